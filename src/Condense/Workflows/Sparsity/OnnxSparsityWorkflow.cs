using Condense.Metrics;
using System.Diagnostics;
using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Pruning;
using Condense.Quantization.Gptq;
using Condense.Runtime;
using Onnx;

namespace Condense.Workflows.Sparsity;

/// <summary>
/// <c>condense prune MODEL.onnx --sparsity S --method sparsegpt|magnitude</c> as a library call: find
/// the MatMul/Gemm/Conv layers (<see cref="LinearLayers"/>, as data-aware quantization does), gather
/// H = Σ x xᵀ of their inputs on the calibration samples (<see cref="LayerInputStatistics"/>),
/// factorise it once per layer (<see cref="GptqFactor"/>) and prune with <see cref="SparseGpt"/> (or
/// by magnitude), store the weights (float32 with zeros, or through <see cref="OnnxCompressor"/>'s
/// sparse encoding), run the result in ONNX Runtime on held-out samples, and only then write it.
/// </summary>
/// <remarks>
/// Each layer's H comes from the original model's activations, so layers are independent (as in
/// GPTQ here; the paper feeds each block the already-pruned block's outputs). Magnitude pruning at
/// the same sparsity is measured beside SparseGPT, per layer (held-out output error) and for the
/// whole model.
/// </remarks>
public static class OnnxSparsityWorkflow
{
    /// <summary>Prunes an ONNX model's weights (SparseGPT with calibration data, or magnitude), verifies it in ONNX Runtime and reports the measured error.</summary>
    public static OnnxSparsityReport Run(OnnxSparsityRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        OutputPath.RefuseOverwrite(request.ModelPath, request.OutputPath);
        var clock = Stopwatch.StartNew();
        var model = OnnxReader.Read(request.ModelPath);
        model.LoadExternalData();
        var (layers, skipped) = LinearLayers.Find(model, request.MinSize);
        if (layers.Count == 0)
            throw new CondenseException($"{request.ModelPath}: no MatMul, Gemm or Conv with a float initializer weight of ≥ {request.MinSize} elements; nothing to prune");
        var data = request.Data;
        var sparseGpt = request.Method == OnnxSparsityMethod.SparseGpt;
        var compare = sparseGpt && request.CompareMagnitude;
        var initializers = model.Proto.Graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        // LinearLayers words its reasons for quantization; here such weights are simply not pruned.
        var untouched = skipped.Select(u => u.Replace("its weights are encoded without data", "not pruned", StringComparison.Ordinal)).ToList();
        var chosen = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var magnitude = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var solved = new List<(LinearLayer Layer, float[] W)>();
        var batches = DataAwareCompression.Batches(layers, request.StatisticsBudgetBytes);
        var options = new GptqOptions(request.Dampening, request.BlockSize);
        foreach (var batch in batches)
        {
            using var stats = sparseGpt ? LayerInputStatistics.Gather(model, batch, data.Calibration, request.Threads) : null;
            foreach (var layer in batch)
            {
                var w = DataAwareCompression.Matrix(layer, OnnxTensorData.ToFloat32(initializers[layer.Weight]));
                if (w.Any(v => !float.IsFinite(v))) { untouched.Add($"{layer.Node} ({layer.Kind}): its weight has NaN or infinity; left as it is"); continue; }
                var byMagnitude = SparseGpt.Magnitude(w, request.Sparsity);
                magnitude[layer.Weight] = byMagnitude;
                chosen[layer.Weight] = stats is null ? byMagnitude : Solve(layer, w, stats, options, request.Sparsity);
                solved.Add((layer, w));
                ProcessMemory.Release();
            }
        }

        var reports = new List<OnnxSparsityLayer>();
        foreach (var batch in batches)
        {
            using var held = LayerInputStatistics.Gather(model, batch, data.HeldOut, request.Threads);
            foreach (var (layer, w) in solved.Where(s => batch.Contains(s.Layer)))
            {
                var q = chosen[layer.Weight];
                var errors = compare ? DataAwareCompression.HeldOutErrors(layer, w, held, q, magnitude[layer.Weight])
                    : DataAwareCompression.HeldOutErrors(layer, w, held, q);
                reports.Add(new OnnxSparsityLayer(layer.Node, layer.Kind.ToString(), layer.Weight, layer.Rows * layer.Groups, layer.Columns,
                    q.Count(v => v == 0) / (double)q.Length, errors[0], compare ? errors[1] : null));
            }
        }
        ProcessMemory.Release();

        var (written, tensors) = Build(model, solved, chosen, request.Encoding);
        var original = HeldOutQuality.Outputs(model.Proto, request.ModelPath, data.HeldOut, request.Threads);
        var labels = data.HeldOutLabels;
        double Figure(ModelProto m, string source)
        {
            var outputs = HeldOutQuality.Outputs(m, source, data.HeldOut, request.Threads);
            return labels is not null ? HeldOutQuality.Accuracy(outputs, labels) : HeldOutQuality.MeanCosine(original, outputs);
        }
        var quality = Figure(written, request.OutputPath);
        double? magnitudeQuality = compare ? Figure(Build(model, solved, magnitude, request.Encoding).Model, request.OutputPath + " (magnitude)") : null;
        var originalQuality = labels is not null ? HeldOutQuality.Accuracy(original, labels) : 1.0;
        OnnxWriter.Write(request.OutputPath, written);

        var encoding = request.Encoding is null ? "float32, zeros in place"
            : $"{request.Encoding.Method.ToString().ToLowerInvariant()} {request.Encoding.EffectiveBits}-bit values, sparse where smaller";
        return new OnnxSparsityReport(request.ModelPath, request.OutputPath, sparseGpt ? "sparsegpt" : "magnitude", request.Sparsity,
            data.Description, data.IsRandom, sparseGpt ? data.Calibration.Count : 0, data.HeldOut.Count, reports, untouched,
            encoding, tensors, model.FileBytes, new FileInfo(request.OutputPath).Length,
            labels is not null ? "accuracy" : "mean cosine", quality, magnitudeQuality, originalQuality, clock.Elapsed.TotalSeconds);
    }

    /// <summary>SparseGPT per conv group (groups stacked by rows), each against its own factorised H.</summary>
    static float[] Solve(LinearLayer layer, float[] w, LayerInputStatistics stats, GptqOptions options, double sparsity)
    {
        int size = layer.Rows * layer.Columns;
        var result = new float[w.Length];
        var hessians = stats.Of(layer);
        for (int g = 0; g < layer.Groups; g++)
        {
            using var factor = GptqFactor.Of(hessians[g], options);
            SparseGpt.Prune(w.AsSpan(g * size, size), layer.Rows, layer.Columns, factor, sparsity).CopyTo(result, g * size);
        }
        return result;
    }

    /// <summary>A copy of the model with each pruned weight in place (in its ONNX layout), encoded as asked.</summary>
    static (ModelProto Model, IReadOnlyList<OnnxTensorReport> Tensors) Build(OnnxModel model, IReadOnlyList<(LinearLayer Layer, float[] W)> solved,
        IReadOnlyDictionary<string, float[]> weights, OnnxCompressionOptions? encoding)
    {
        var proto = model.Proto.Clone();
        var initializers = proto.Graph.Initializer;
        foreach (var (layer, _) in solved)
        {
            var index = Enumerable.Range(0, initializers.Count).First(i => initializers[i].Name == layer.Weight);
            initializers[index] = OnnxTensorData.FromFloat32(layer.Weight, Layout(layer, weights[layer.Weight]), layer.Shape);
        }
        if (encoding is null) return (proto, []);
        var result = OnnxCompressor.Compress(new OnnxModel(proto, model.Source, model.Directory), encoding with { Sparse = true });
        return (result.Model, result.Tensors);
    }

    /// <summary>The inverse of <see cref="DataAwareCompression.Matrix"/>: rows × columns back to the stored layout.</summary>
    static float[] Layout(LinearLayer layer, float[] m)
    {
        return layer.Transposed ? RowMajor.Transpose(m, layer.Rows, layer.Columns) : m;
    }
}
