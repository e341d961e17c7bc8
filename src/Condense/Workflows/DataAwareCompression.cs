using System.Diagnostics;
using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Metrics;
using Condense.Quantization.Gptq;
using Condense.Runtime;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// The data-aware compress use case: find the MatMul/Gemm/Conv layers, gather H = Σ x xᵀ of their
/// inputs on the calibration and the held-out samples (one pass each through ONNX Runtime, one
/// sample at a time), quantize each weight with GPTQ (or round to nearest for the data-free
/// comparison) on per-channel or per-block grids or per-row codebooks, write the codes through the
/// ONNX encodings, run the result in ONNX Runtime on the held-out samples, and only then write it.
/// </summary>
/// <remarks>
/// Every layer's H comes from the original model's activations (not the partly quantized one's),
/// so the layers are independent: they are gathered in groups whose accumulators fit
/// <see cref="DataAwareCompressionRequest.StatisticsBudgetBytes"/> (one pass over the samples per
/// group), so memory is one group's accumulators plus one sample's activations, whatever the model.
/// </remarks>
public static class DataAwareCompression
{
    /// <summary>Compresses an ONNX model with calibration data (GPTQ, static or dynamic int8, MatMulNBits) as <paramref name="request"/> says, runs the result in ONNX Runtime and reports the error measured on held-out inputs.</summary>
    public static DataAwareCompressionReport Run(DataAwareCompressionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        OutputPath.RefuseOverwrite(request.ModelPath, request.OutputPath);
        var model = OnnxReader.Read(request.ModelPath);
        model.LoadExternalData();
        var (layers, skipped) = LinearLayers.Find(model, request.MinSize);
        var untouched = skipped.ToList();
        if (layers.Count == 0)
            throw new CondenseException($"{request.ModelPath}: no MatMul, Gemm or Conv with a float initializer weight of ≥ {request.MinSize} elements; nothing to quantize with data");
        var data = request.Data;
        var options = request.Gptq ?? new GptqOptions();

        // Layers go in groups whose accumulators fit the budget: each group's statistics are gathered
        // (one pass over the samples), used and freed before the next, so the peak holds one group.
        var batches = Batches(layers, request.StatisticsBudgetBytes);
        var clock = new Stopwatch();
        var captureTime = TimeSpan.Zero;
        long statisticsBytes = 0;
        var written = new Dictionary<string, OnnxQuantizedMatrix>(StringComparer.Ordinal);
        var roundedOnly = new Dictionary<string, OnnxQuantizedMatrix>(StringComparer.Ordinal);
        var solved = new List<(LinearLayer Layer, float[] W, Quantized Chosen, Quantized Rounded)>();
        var initializers = model.Proto.Graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var quantizeClock = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            clock.Restart();
            using var calibration = request.DataFree ? null : LayerInputStatistics.Gather(model, batch, data.Calibration, request.Threads, keepRows: false);
            captureTime += clock.Elapsed;
            statisticsBytes = Math.Max(statisticsBytes, calibration?.Bytes ?? 0);
            foreach (var layer in batch)
            {
                var w = Matrix(layer, OnnxTensorData.ToFloat32(initializers[layer.Weight]));
                if (w.Any(v => !float.IsFinite(v))) { untouched.Add($"{layer.Node} ({layer.Kind}): its weight has NaN or infinity; left as it is"); continue; }
                var rtn = Quantize(layer, w, null, request);
                Quantized chosen = rtn;
                if (calibration is not null)
                {
                    var factors = Factors(calibration.Of(layer), options);
                    try { chosen = Quantize(layer, w, factors, request); }
                    finally { foreach (var f in factors) f.Dispose(); }
                }
                written[layer.Weight] = chosen.Encoding;
                roundedOnly[layer.Weight] = rtn.Encoding;
                solved.Add((layer, w, chosen, rtn));
                // Weight copies and the solver's n×n temporaries would otherwise pile up until a full collection.
                ProcessMemory.Release();
            }
        }
        var quantizeTime = quantizeClock.Elapsed - captureTime;

        clock.Restart();
        var reports = new List<DataAwareLayerReport>();
        foreach (var batch in batches)
        {
            using var held = LayerInputStatistics.Gather(model, batch, data.HeldOut, request.Threads);
            statisticsBytes = Math.Max(statisticsBytes, held.Bytes);
            foreach (var (layer, w, chosen, rtn) in solved.Where(s => batch.Contains(s.Layer)))
            {
                int rows = layer.Rows * layer.Groups;
                var errors = HeldOutErrors(layer, w, held, chosen.Values, rtn.Values);
                reports.Add(new DataAwareLayerReport(layer.Node, layer.Kind.ToString(), layer.Weight, rows, layer.Columns, chosen.Encoding.Label,
                    errors[0], errors[1], SeedsBound(w, chosen.Values, rows, layer.Columns)));
            }
        }
        captureTime += clock.Elapsed;
        // The checks below each load a whole model into ONNX Runtime: they start from what is live.
        solved.Clear();
        ProcessMemory.Release();

        var compression = new OnnxCompressionOptions(request.Method, request.Bits,
            PerChannel: request.Method == OnnxCompressionMethod.Linear, MinSize: request.MinSize, Seed: request.Seed);
        var result = OnnxCompressor.Compress(model, compression, written);
        var labels = data.HeldOutLabels;
        var original = HeldOutQuality.Outputs(model.Proto, request.ModelPath, data.HeldOut, request.Threads);
        double Figure(ModelProto m)
        {
            var outputs = HeldOutQuality.Outputs(m, request.OutputPath, data.HeldOut, request.Threads);
            return labels is not null ? HeldOutQuality.Accuracy(outputs, labels) : HeldOutQuality.MeanCosine(original, outputs);
        }
        var quality = Figure(result.Model);
        double? dataFreeQuality = request.CompareDataFree && !request.DataFree
            ? Figure(OnnxCompressor.Compress(model, compression, roundedOnly).Model) : null;
        var originalQuality = labels is not null ? HeldOutQuality.Accuracy(original, labels) : 1.0;
        OnnxWriter.Write(request.OutputPath, result.Model);

        return new DataAwareCompressionReport(request.ModelPath, request.OutputPath, request.DataFree ? "data-free" : "gptq",
            data.Description, data.IsRandom, request.DataFree ? 0 : data.Calibration.Count, data.HeldOut.Count,
            model.FileBytes, new FileInfo(request.OutputPath).Length, reports, untouched, result.Tensors,
            labels is not null ? "accuracy" : "mean cosine", quality, dataFreeQuality, originalQuality,
            statisticsBytes, captureTime, quantizeTime);
    }

    /// <summary>Consecutive layers whose accumulators (4·columns²·groups bytes each) fit <paramref name="budget"/>; at least one layer a batch.</summary>
    internal static List<List<LinearLayer>> Batches(IReadOnlyList<LinearLayer> layers, long budget)
    {
        var batches = new List<List<LinearLayer>>();
        long used = 0;
        foreach (var layer in layers)
        {
            var bytes = 4L * layer.Columns * layer.Columns * layer.Groups;
            if (batches.Count == 0 || used + bytes > budget) { batches.Add([]); used = 0; }
            batches[^1].Add(layer);
            used += bytes;
        }
        return batches;
    }

    internal sealed record Quantized(OnnxQuantizedMatrix Encoding, float[] Values);

    /// <summary>One factorised H per group of the layer (dispose each).</summary>
    internal static GptqFactor[] Factors(IReadOnlyList<HessianAccumulator> hessians, GptqOptions options) =>
        [.. hessians.Select(h => GptqFactor.Of(h, options))];

    /// <summary>GPTQ against <paramref name="factors"/> (one factorised H per group), or round to nearest when null; groups stacked by rows.</summary>
    internal static Quantized Quantize(LinearLayer layer, float[] w, IReadOnlyList<GptqFactor>? factors, DataAwareCompressionRequest request)
    {
        int rows = layer.Rows, columns = layer.Columns, size = rows * columns;
        var values = new float[w.Length];
        var grids = new List<GridCodes>();
        var books = new List<CodebookCodes>();
        for (int g = 0; g < layer.Groups; g++)
        {
            var slice = w.AsSpan(g * size, size);
            var rowsPerCodebook = request.RowsPerCodebook == 0 ? rows : request.RowsPerCodebook;
            IGptqQuantizer quantizer = request.Method == OnnxCompressionMethod.Linear
                ? new LinearGridQuantizer(request.Bits, request.BlockSize)
                : factors is null ? new CodebookQuantizer(request.Bits, rowsPerCodebook, request.Seed)
                : CodebookQuantizer.ForGptq(request.Bits, rowsPerCodebook, request.Seed);
            var q = factors is null ? RoundToNearest.Solve(slice, rows, columns, quantizer)
                : GptqSolver.Solve(slice, rows, columns, factors[g], quantizer);
            q.CopyTo(values, g * size);
            if (quantizer is LinearGridQuantizer grid) grids.Add(grid.Result());
            else books.Add(((CodebookQuantizer)quantizer).Result());
        }
        var how = factors is null ? "rtn" : "gptq";
        if (grids.Count > 0)
        {
            var first = grids[0];
            var stacked = first with
            {
                Rows = rows * layer.Groups,
                Codes = [.. grids.SelectMany(c => c.Codes)], Scales = [.. grids.SelectMany(c => c.Scales)], ZeroPoints = [.. grids.SelectMany(c => c.ZeroPoints)],
            };
            var shape = first.BlockSize >= columns ? "per-channel" : $"block {first.BlockSize}";
            return new(new OnnxQuantizedMatrix($"{how} linear {request.Bits}-bit {shape}", layer.Transposed, Grid: stacked), values);
        }
        var book = books[0];
        var codebooks = book.RowsPerCodebook >= rows ? (layer.Groups > 1 ? "per group" : "per tensor") : book.RowsPerCodebook == 1 ? "per row" : $"per {book.RowsPerCodebook} rows";
        // Groups stack by rows; rows per codebook divides each group's rows only when it is 1 or the group's rows.
        var stackedBook = book with
        {
            Rows = rows * layer.Groups, RowsPerCodebook = Math.Min(book.RowsPerCodebook, rows),
            Codes = [.. books.SelectMany(c => c.Codes)], Centroids = [.. books.SelectMany(c => c.Centroids)],
        };
        return new(new OnnxQuantizedMatrix($"{how} kmeans {request.Bits}-bit {codebooks}", layer.Transposed, Codebook: stackedBook), values);
    }

    /// <summary>The weight as rows = outputs, columns = inputs (transposing MatMul's [in, out]).</summary>
    internal static float[] Matrix(LinearLayer layer, float[] tensor)
    {
        return layer.Transposed ? RowMajor.Transpose(tensor, layer.Columns, layer.Rows) : tensor;
    }

    /// <summary>Held-out relative output errors of each candidate Ŵ, from the held-out H (one product per group for all candidates).</summary>
    internal static double[] HeldOutErrors(LinearLayer layer, float[] w, LayerInputStatistics held, params float[][] candidates)
    {
        int size = layer.Rows * layer.Columns;
        var error = new double[candidates.Length];
        double signal = 0;
        for (int g = 0; g < layer.Groups; g++)
        {
            var wg = w.AsSpan(g * size, size).ToArray();
            var deltas = candidates.Select(q => { var d = new float[size]; for (int i = 0; i < size; i++) d[i] = wg[i] - q[g * size + i]; return d; });
            var forms = held.Of(layer)[g].Quadratics(layer.Rows, [wg, .. deltas]);
            signal += forms[0];
            for (int k = 0; k < candidates.Length; k++) error[k] += forms[k + 1];
        }
        return error.Select(e => signal > 0 ? Math.Sqrt(Math.Max(0, e) / signal) : 0).ToArray();
    }

    /// <summary>cond₁(W)·‖W−Ŵ‖₁/‖W‖₁, the seeds' bound (5); pass cond₁ when it is known (a pseudo-inverse per call otherwise).</summary>
    internal static double SeedsBound(float[] w, float[] q, int rows, int columns, double? cond1 = null) =>
        (cond1 ?? ConditionNumber.OneNorm(w, rows, columns)) * MatrixNorms.RelativeOneNormError(w, q, rows, columns);
}
