using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Quantization;

namespace Condense.Workflows;

/// <summary>What <see cref="OcsOnnxComparison.Run"/> measured: per layer and bit width, and the layers left out.</summary>
/// <param name="Model">The model's path.</param>
/// <param name="Data">What the held-out data resolved to.</param>
/// <param name="HeldOutSamples">Samples the errors are measured on.</param>
/// <param name="ExpandRatio">OCS expand ratio: the fraction of each layer's input columns split.</param>
/// <param name="Layers">Per layer and bit width.</param>
/// <param name="Untouched">Layers left out, and why.</param>
/// <param name="QualityMetric">"accuracy" (labelled held-out data) or "mean cosine" (against the original's outputs), of the written file.</param>
/// <param name="OriginalQuality">The original model's figure on the same held-out samples.</param>
/// <param name="OcsQuality">The written OCS model's, run in ONNX Runtime (null when nothing was written).</param>
public sealed record OcsOnnxReport(string Model, string Data, int HeldOutSamples, double ExpandRatio, IReadOnlyList<OcsLayerComparison> Layers, IReadOnlyList<string> Untouched,
    string QualityMetric = "", double OriginalQuality = double.NaN, double? OcsQuality = null);

/// <summary>
/// Outlier channel splitting against clipping and plain linear on any ONNX model's MatMul, Gemm
/// and Conv layers (Zhao et al. 2019's comparison): each weight, seen as rows × columns (Conv:
/// C_out × C_in·kh·kw), is quantized the four ways of <see cref="OcsComparison"/> and judged by its
/// relative output error on the held-out samples, from H = Σ x xᵀ of the layer's real inputs
/// (<see cref="LayerInputStatistics"/>), so no activations are stored. For a Conv, splitting a
/// column duplicates one (channel, tap) input: the duplicate channel carries that tap only, the
/// others zero, and the layer's function is unchanged before quantization. Grouped Convs are left out.
/// </summary>
public static class OcsOnnxComparison
{
    /// <summary>Measures every layer at each of <paramref name="bits"/>; with <paramref name="outputPath"/>, also writes the model
    /// with each layer's OCS weights at <c>bits[0]</c> (the widened layer's function, folded to float32), run in ONNX Runtime first.</summary>
    public static OcsOnnxReport Run(string modelPath, CalibrationData data, IReadOnlyList<int> bits, double ratio, string? outputPath = null,
        long minSize = 1024, int threads = 1)
    {
        if (outputPath is not null) OutputPath.RefuseOverwrite(modelPath, outputPath);
        if (bits.Count == 0 || bits.Any(b => b is < 2 or > 16)) throw new CondenseException($"OCS: bits [{string.Join(", ", bits)}] must each be in 2–16");
        if (!(ratio >= 0) || ratio > 1) throw new CondenseException($"OCS: expand ratio {ratio} must be in [0, 1]");
        var model = OnnxReader.Read(modelPath);
        model.LoadExternalData();
        var (found, skipped) = LinearLayers.Find(model, minSize);
        var untouched = skipped.ToList();
        var layers = found.Where(l => l.Groups == 1).ToList();
        untouched.AddRange(found.Where(l => l.Groups != 1).Select(l => $"{l.Node} ({l.Kind}): grouped, left out"));
        if (layers.Count == 0) throw new CondenseException($"{modelPath}: no ungrouped MatMul, Gemm or Conv with a float initializer weight of ≥ {minSize} elements");
        var initializers = model.Proto.Graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        using var held = LayerInputStatistics.Gather(model, layers, data.HeldOut, threads);
        var rows = new List<OcsLayerComparison>();
        foreach (var layer in layers)
        {
            var w = DataAwareCompression.Matrix(layer, OnnxTensorData.ToFloat32(initializers[layer.Weight]));
            if (w.Any(v => !float.IsFinite(v))) { untouched.Add($"{layer.Node} ({layer.Kind}): NaN or infinity in the weight"); continue; }
            foreach (var b in bits)
            {
                rows.Add(OcsComparison.Compare(layer.Node, w, layer.Rows, layer.Columns, b, ratio, q => DataAwareCompression.HeldOutErrors(layer, w, held, q)));
            }
        }
        if (outputPath is null) return new OcsOnnxReport(modelPath, data.Description, data.HeldOut.Count, ratio, rows, untouched);

        var original = HeldOutQuality.Outputs(model.Proto, modelPath, data.HeldOut, threads);
        var proto = model.Proto.Clone();
        var graph = proto.Graph.Initializer;
        foreach (var layer in layers)
        {
            var at = Enumerable.Range(0, graph.Count).First(i => graph[i].Name == layer.Weight);
            var w = DataAwareCompression.Matrix(layer, OnnxTensorData.ToFloat32(graph[at]));
            var (folded, _) = OcsComparison.Quantize(w, layer.Rows, layer.Columns, bits[0], ratio, clip: false);
            if (layer.Transposed)
            {
                var t = new float[folded.Length];
                for (var r = 0; r < layer.Rows; r++)
                    for (var c = 0; c < layer.Columns; c++) t[c * layer.Rows + r] = folded[r * layer.Columns + c];
                folded = t;
            }
            graph[at] = OnnxTensorData.FromFloat32(layer.Weight, folded, graph[at].Dims);
        }
        var outputs = HeldOutQuality.Outputs(proto, outputPath, data.HeldOut, threads);
        var labels = data.HeldOutLabels;
        OnnxWriter.Write(outputPath, proto);
        return new OcsOnnxReport(modelPath, data.Description, data.HeldOut.Count, ratio, rows, untouched,
            labels is not null ? "accuracy" : "mean cosine",
            labels is not null ? HeldOutQuality.Accuracy(original, labels) : 1.0,
            labels is not null ? HeldOutQuality.Accuracy(outputs, labels) : HeldOutQuality.MeanCosine(original, outputs));
    }
}
