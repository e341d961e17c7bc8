using System.Diagnostics;
using Condense.Analysis;
using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Metrics;
using Condense.Quantization.Gptq;
using Condense.Runtime;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// The analyze use case for any ONNX model: per MatMul/Gemm/Conv layer (a Conv as its unfolded
/// matrix) the seeds' metrics of the weight, every setting's bound cond₁·‖W−Ŵ‖₁/‖W‖₁ beside the
/// layer's measured relative output error on held-out inputs (from the held-out H, no extra run),
/// and the sensitivity of the model's final output to compressing that one layer alone — one ONNX
/// Runtime run per (layer, setting, sample) in a single session whose weights are inputs
/// (<see cref="OnnxWeightSwapSession"/>), as AIMET's QuantAnalyzer does for quantization only.
/// The sensitivities are what a plan is chosen from, so they are measured on selection samples carved
/// from the calibration samples (<see cref="SelectionSplit"/>), never on held-out ones; every uniform
/// setting is built and its file run on the held-out samples, as a plan's file is.
/// </summary>
public static class OnnxAnalysis
{
    /// <summary>Analyses the model and returns the report only.</summary>
    public static OnnxAnalysisReport Run(OnnxAnalysisRequest request)
    {
        var (report, candidates) = Analyze(request);
        candidates.Dispose();
        return report;
    }

    /// <summary>Analyses the model and keeps what the planner needs (dispose it).</summary>
    public static (OnnxAnalysisReport Report, OnnxLayerCandidates Candidates) Analyze(OnnxAnalysisRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.RequireCalibration();
        // The selection split: calibration samples withheld from every fit below, the planner's figures measured on them.
        var (fitData, selection, labels, wholeSources) = SelectionSplit.Of(request.Data, request.SensitivitySamples);
        // Sources known but none withheld whole (one calibration photo): the selection crops share a photo with fitted ones.
        bool sharesSources = wholeSources == 0 && selection.Count > 0 && request.Data.CalibrationSources is { } known && known.Count == request.Data.Calibration.Count;
        request = request with { Data = fitData };
        // Layers run side by side, each LibTorch call on one thread.
        var workers = ParallelWork.Workers(request.Threads);
        using var torchThreads = TorchThreads.One();
        var clock = Stopwatch.StartNew();
        var report = request.Progress ?? (_ => { });
        var progressLock = new object();
        void progress(string line) { lock (progressLock) report($"[{clock.Elapsed.TotalSeconds,6:0.0} s] {line}"); }
        var model = OnnxReader.Read(request.ModelPath);
        model.LoadExternalData();
        CheckOutput(model, request.ModelPath);
        var (linear, skipped) = LinearLayers.Find(model, request.MinSize);
        // Embedding tables (Gather) are layers too: quantized per row, their error weighted by the rows the data gathers.
        var tables = EmbeddingTables.Find(model, request.MinSize);
        var tableNodes = tables.Select(t => t.Node).ToHashSet(StringComparer.Ordinal);
        skipped = [.. skipped.Where(line => !tableNodes.Any(n => line.StartsWith(n + " (Gather)", StringComparison.Ordinal)))];
        IReadOnlyList<LinearLayer> all = [.. linear, .. tables];
        var excluded = NodeNames.Check(model, request.ModelPath, "--exclude", request.Exclude ?? []);
        var found = all.Where(l => !excluded.Contains(l.Node)).ToList();
        if (found.Count == 0)
            throw new CondenseException($"{request.ModelPath}: no MatMul, Gemm, Conv or embedding Gather with a float initializer weight of ≥ {request.MinSize} elements to analyse");
        var settings = new List<QuantizationSetting> { QuantizationSetting.Float32 };
        settings.AddRange(request.EffectiveSettings);
        var data = request.Data;
        var options = request.Gptq ?? new GptqOptions();
        var untouched = skipped.ToList();
        untouched.AddRange(all.Where(l => excluded.Contains(l.Node)).Select(l => $"{l.Node} ({l.Kind}): excluded; left float32"));
        var initializers = model.Proto.Graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var opset = model.Proto.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();

        // Channel settings: the dependency groups, their scores and the refit's statistics (null without a channel setting).
        var channels = OnnxChannelCuts.Prepare(model, found, settings, request);
        // Weights, metrics and every setting's codes (GPTQ against the calibration H), layers in parallel.
        var layers = new List<LinearLayer>();
        var matrices = new List<float[]>();
        var values = new List<float[]?[]>();
        var encodings = new List<OnnxQuantizedMatrix?[]>();
        var metrics = new List<(double OneNorm, double Cond1, double Rank)>();
        progress($"capturing the inputs of {found.Count} layers on {data.Calibration.Count} calibration samples");
        List<LinearLayer> convolutions = [.. found.Where(l => l.Kind != LinearLayerKind.Gather)];
        Task<LayerInputStatistics?> heldCapture = Task.FromResult<LayerInputStatistics?>(null);
        using (var calibration = settings.Any(s => s.Gptq) && convolutions.Count > 0
            ? LayerInputStatistics.Gather(model, convolutions, data.Calibration, request.Threads) : null)
        {
            progress($"quantizing {found.Count} layers × {settings.Count - 1} settings; capturing their held-out inputs on {data.HeldOut.Count} samples beside it");
            // ONNX Runtime and XᵀX of the held-out capture fill what the per-layer work leaves of the cores (while its last
            // layers finish); every layer is captured, as which weights are finite is known only below.
            heldCapture = Task.Run(() => convolutions.Count > 0 ? LayerInputStatistics.Gather(model, convolutions, data.HeldOut, request.Threads) : null);
            var done = new LayerQuantization?[found.Count];
            // The largest layers first, so that the last one to finish is a small one.
            var order = Enumerable.Range(0, found.Count).OrderByDescending(i => (long)found[i].Columns * found[i].Columns * found[i].Rows).ToList();
            try
            {
                ParallelWork.ForEach(order, workers, i =>
                {
                    var layer = found[i];
                    var w = DataAwareCompression.Matrix(layer, OnnxTensorData.ToFloat32(initializers[layer.Weight]));
                    if (w.Any(v => !float.IsFinite(v))) return;
                    // A table has no H: every setting rounds it to nearest, per row.
                    done[i] = QuantizeLayer(request, layer, w, settings, layer.Kind == LinearLayerKind.Gather ? null : calibration, options, opset, channels);
                    progress($"{layer.Node}: quantized");
                    ProcessMemory.Collect();
                });
            }
            catch
            {
                Abandon(heldCapture);
                throw;
            }
            for (int i = 0; i < found.Count; i++)
            {
                if (done[i] is not { } d) { untouched.Add($"{found[i].Node} ({found[i].Kind}): its weight has NaN or infinity; left as it is"); continue; }
                layers.Add(found[i]);
                matrices.Add(d.Weight);
                values.Add(d.Values);
                encodings.Add(d.Encodings);
                metrics.Add(d.Metrics);
            }
        }
        var layerErrors = new double[layers.Count][];
        var gathered = layers.Where(l => l.Kind == LinearLayerKind.Gather).ToList();
        var rowCounts = EmbeddingTables.RowCounts(model, gathered, data.HeldOut, request.Threads);
        using (var held = heldCapture.GetAwaiter().GetResult())
        {
            if (layers.Count == 0) throw new CondenseException($"{request.ModelPath}: every layer's weight has NaN or infinity");
            progress($"held-out layer errors of {layers.Count} layers on {data.HeldOut.Count} samples");
            ParallelWork.ForEach(Enumerable.Range(0, layers.Count), workers, l =>
            {
                using (StageTimes.Measure("held-out layer errors"))
                    layerErrors[l] = layers[l].Kind == LinearLayerKind.Gather
                        ? EmbeddingTables.HeldOutErrors(matrices[l], layers[l].Columns, rowCounts[gathered.IndexOf(layers[l])], [.. values[l].Skip(1).Select(v => v!)])
                        : DataAwareCompression.HeldOutErrors(layers[l], matrices[l], held!, [.. values[l].Skip(1).Select(v => v!)]);
            });
        }

        // Bytes of every (layer, setting) in the file, from one compression per uniform setting.
        var bytes = layers.Select(_ => new long[settings.Count]).ToArray();
        var uniformBytes = new long[settings.Count];
        uniformBytes[0] = model.FileBytes;
        var encodingArray = encodings.ToArray();
        // Chosen on: calibration samples (the selection split). Reported on: held-out samples only.
        var heldOut = data.HeldOut.Take(request.HeldOutCount).ToList();
        var heldOutLabels = data.HeldOutLabels?.Take(heldOut.Count).ToList();
        var sessionClock = StageTimes.Measure("swap session + original runs");
        var session = new OnnxWeightSwapSession(model.Proto, request.ModelPath, [.. layers.Select(l => l.Weight)], selection, request.Threads);
        var candidates = new OnnxLayerCandidates(model, layers, settings, encodingArray, bytes, session, selection, labels, heldOut, heldOutLabels, request.Threads)
            { Channels = channels };
        sessionClock.Dispose();
        try
        {
            progress($"encoding {settings.Count - 1} uniform settings, each file run on {heldOut.Count} held-out samples");
            var uniformMeasured = new (double Error, double Cosine, double? Accuracy)[settings.Count];
            var uniformTensors = new IReadOnlyList<OnnxTensorReport>[settings.Count];
            // Two settings at a time (each file's session on one thread): a whole compressed model per worker, never eight.
            ParallelWork.ForEach(Enumerable.Range(1, settings.Count - 1), workers, s =>
            {
                OnnxCompressionResult compressed;
                using (StageTimes.Measure("uniform encode")) compressed = candidates.Compress([.. Enumerable.Repeat(s, layers.Count)]);
                // Reported, never chosen from: the file itself on the held-out samples, as a plan's file is measured.
                using (StageTimes.Measure("output runs (uniform, held out)")) uniformMeasured[s] = candidates.MeasureFile(compressed.Model, request.ModelPath, request.Threads);
                (uniformTensors[s], uniformBytes[s]) = (compressed.Tensors, compressed.ModelBytesAfter);
                ProcessMemory.Collect();
            });
            for (int s = 1; s < settings.Count; s++)
            {
                var byName = uniformTensors[s].ToDictionary(t => t.Name, StringComparer.Ordinal);
                for (int l = 0; l < layers.Count; l++)
                {
                    var t = byName[layers[l].Weight];
                    bytes[l][0] = t.BytesBefore;
                    bytes[l][s] = t.BytesAfter;
                    // An encoding no smaller than float32 is not written: the layer stays float32 under this setting.
                    if (t.Encoding.StartsWith("kept", StringComparison.Ordinal)) encodingArray[l][s] = null;
                }
            }
            ProcessMemory.Release();

            progress($"measuring the model's output: {layers.Count} layers × {settings.Count - 1} settings × {selection.Count} selection samples");
            var originalAccuracy = candidates.OriginalAccuracy;
            // Every (layer, setting) alone (a session of the part after the layer, layers in parallel, largest part first).
            int perLayer = settings.Count - 1;
            var measured = new (double Error, double Cosine, double? Accuracy)[layers.Count * perLayer];
            using (StageTimes.Measure("output runs (one layer)"))
                ParallelWork.ForEach(Enumerable.Range(0, layers.Count), workers, l =>
                {
                    var alone = candidates.MeasureAlone(l, [.. Enumerable.Range(1, perLayer)], request.Threads);
                    for (int s = 0; s < perLayer; s++) measured[l * perLayer + s] = alone[s];
                    ProcessMemory.Collect(); // the part's session and serialised graph
                });
            // Kernel settings also quantize activations, which the weight-swap session cannot see: measured on the kernels.
            using (StageTimes.Measure("output runs (kernels)")) KernelLayers.MeasureOnKernels(candidates, measured, request.Threads, progress);
            var analyses = new List<LayerAnalysis>();
            for (int l = 0; l < layers.Count; l++)
            {
                var layer = layers[l];
                int rows = layer.Rows * layer.Groups;
                var measures = new List<LayerSettingMeasure>();
                for (int s = 1; s < settings.Count; s++)
                {
                    var (error, cosine, accuracy) = measured[l * perLayer + s - 1];
                    var q = values[l][s]!;
                    measures.Add(new LayerSettingMeasure(settings[s].Label, bytes[l][s], MatrixNorms.RelativeOneNormError(matrices[l], q, rows, layer.Columns),
                        DataAwareCompression.SeedsBound(matrices[l], q, rows, layer.Columns, metrics[l].Cond1), layerErrors[l][s - 1],
                        HistogramDivergence.KlDivergence(matrices[l], q), error, cosine, accuracy));
                }
                analyses.Add(new LayerAnalysis(layer.Node, layer.Kind.ToString(), layer.Weight, rows, layer.Columns, bytes[l][0],
                    metrics[l].OneNorm, metrics[l].Cond1, metrics[l].Rank, measures));
            }
            var uniform = new List<ModelMeasure>();
            for (int s = 1; s < settings.Count; s++)
            {
                var (error, cosine, accuracy) = uniformMeasured[s];
                uniform.Add(new ModelMeasure($"uniform {settings[s].Label}", uniformBytes[s], error, cosine, accuracy));
            }
            if (StageTimes.Enabled) progress($"stages: {StageTimes.Summary()}");
            progress("done");
            var result = new OnnxAnalysisReport(request.ModelPath, data.Description, data.IsRandom, data.Calibration.Count, data.HeldOut.Count,
                selection.Count, new ModelMeasure("original", model.FileBytes, 0, 1, originalAccuracy), analyses, uniform, untouched, clock.Elapsed) { HeldOutOutputSamples = heldOut.Count, SelectionSources = wholeSources, SelectionSharesSources = sharesSources };
            return (result, candidates);
        }
        catch
        {
            candidates.Dispose();
            throw;
        }
    }

    // A capture running beside work that failed: waited for, so that nothing runs on after the error, and its statistics freed.
    static void Abandon(Task<LayerInputStatistics?> capture)
    {
        try { capture.GetAwaiter().GetResult()?.Dispose(); }
        catch (Exception) { } // the error being thrown is the one to report
    }

    sealed record LayerQuantization(float[] Weight, float[]?[] Values, OnnxQuantizedMatrix?[] Encodings, (double OneNorm, double Cond1, double Rank) Metrics);

    // One layer under every setting, and its weight's metrics.
    static LayerQuantization QuantizeLayer(OnnxAnalysisRequest request, LinearLayer layer, float[] w, IReadOnlyList<QuantizationSetting> settings,
        LayerInputStatistics? calibration, GptqOptions options, long opset, OnnxChannelCuts? channels)
    {
        int rows = layer.Rows * layer.Groups;
        var v = new float[]?[settings.Count];
        var e = new OnnxQuantizedMatrix?[settings.Count];
        // H is factorised once per layer and shared by every GPTQ setting (⅔n³ each time otherwise).
        GptqFactor[]? factors;
        // Two workers factorise at once: about five n×n matrices each at the peak (425 MB at n = 4608), where one at a time
        // left a worker waiting 3.7 s of ResNet18's analysis (its three 4,608-column layers come first).
        using (StageTimes.Measure("GPTQ factor")) factors = calibration is null ? null : DataAwareCompression.Factors(calibration.Of(layer), options);
        try
        {
            for (int s = 1; s < settings.Count; s++)
            {
                if (settings[s].ChannelPercent > 0)
                {
                    (e[s], v[s]) = channels?.Values(layer, w, settings[s], factors) ?? (null, w);
                    continue;
                }
                if (settings[s].OnKernel)
                {
                    using (StageTimes.Measure("kernel settings")) (e[s], v[s]) = KernelSettings.Apply(layer, w, settings[s], factors is { Length: 1 } ? factors[0] : null);
                    continue;
                }
                if (settings[s].Structural)
                {
                    using (StageTimes.Measure(settings[s].RankPercent > 0 ? "low rank" : "sparsity"))
                        (e[s], v[s]) = StructuralSettings.Apply(layer, w, settings[s], calibration?.Of(layer), factors, opset);
                    continue;
                }
                if (settings[s].ChoosesColumns && !ColumnDrop.Applies(layer))
                {
                    // A grouped Conv's columns are per group: the setting does not apply, and the layer stays float32 under it.
                    (e[s], v[s]) = (null, w);
                    continue;
                }
                DataAwareCompression.Quantized q;
                using (StageTimes.Measure($"quantize {(settings[s].Codebook ? "k-means" : "grid")} {(settings[s].Gptq ? "gptq" : "rtn")}"))
                    q = settings[s].ChoosesColumns && (factors is { Length: 1 } && layer.Kind != LinearLayerKind.Gather
                        || settings[s].SplitPercent > 0 && layer.Kind == LinearLayerKind.Gather)
                        ? Dropped(ColumnDrop.Quantize(layer, w, layer.Kind == LinearLayerKind.Gather ? null : factors![0], settings[s], request.Seed))
                        : DataAwareCompression.Quantize(layer, w, settings[s].Gptq ? factors : null, Request(request, settings[s]));
                (v[s], e[s]) = layer.Kind == LinearLayerKind.Gather && EmbeddingTables.HalfCodebooks(q.Encoding) is { } half ? (half.Values, half.Encoding) : (q.Values, q.Encoding);
            }
        }
        finally { foreach (var f in factors ?? []) f.Dispose(); }
        double cond1, rank;
        // One SVD gives both the pseudo-inverse's norm and the singular values.
        using (StageTimes.Measure("cond₁ and effective rank (one svd)"))
        {
            var (c, singular) = ConditionNumber.OneNormAndSingularValues(w, rows, layer.Columns);
            (cond1, rank) = (c, EffectiveRank.FromSingularValues(singular));
        }
        return new(w, v, e, (MatrixNorms.InducedOneNorm(w, rows, layer.Columns), cond1, rank));
    }

    static DataAwareCompression.Quantized Dropped((OnnxQuantizedMatrix Encoding, float[] Values) q) => new(q.Encoding, q.Values);

    internal static DataAwareCompressionRequest Request(OnnxAnalysisRequest request, QuantizationSetting s) =>
        new(request.ModelPath, request.ModelPath + ".unused", s.Codebook ? OnnxCompressionMethod.KMeans : OnnxCompressionMethod.Linear, s.Bits, request.Data,
            DataFree: !s.Gptq, BlockSize: s.BlockSize, RowsPerCodebook: 1, Seed: request.Seed, Threads: request.Threads);

    /// <summary>The first output must be floating point: its error is what everything is measured by.</summary>
    static void CheckOutput(OnnxModel model, string path)
    {
        var output = model.Proto.Graph.Output.FirstOrDefault() ?? throw new CondenseException($"{path}: the model has no output");
        var type = (TensorProto.Types.DataType)(output.Type?.TensorType?.ElemType ?? 0);
        if (type is not (TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Float16 or TensorProto.Types.DataType.Bfloat16))
            throw new CondenseException($"{path}: output '{output.Name}' is {(type == 0 ? "not a tensor" : type.ToString().ToLowerInvariant())}, not floating point; its error cannot be measured");
    }
}
