using Condense.Metrics;
using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Quantization;
using Condense.Quantization.Gptq;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// GPTQ codes for every MatMul/Gemm weight <see cref="WeightOnlyQuantizer"/> packs into
/// <c>MatMulNBits</c>: H = Σ x xᵀ of each layer's input is gathered on the calibration samples
/// through ONNX Runtime (<see cref="LayerInputStatistics"/>), then each weight is solved on the
/// block grid MatMulNBits stores (<see cref="BlockGptq"/>). Layers go in groups whose
/// accumulators fit a budget (one pass over the samples per group), as the data-aware path does.
/// </summary>
public static class NBitsGptqCodes
{
    /// <summary>Codes by weight initializer name; a weight absent from the result is left to round-to-nearest.</summary>
    public static IReadOnlyDictionary<string, BlockCodes> Solve(OnnxModel model, IReadOnlyList<IReadOnlyList<TensorProto>> calibration,
        int bits, int blockSize, GptqOptions? options = null, long budgetBytes = 512L << 20, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibration);
        var (found, _) = LinearLayers.Find(model, minSize: 1);
        // Only what the nbits pass rewrites: MatMul/Gemm with at least one block along K.
        var layers = found.Where(l => l.Kind != LinearLayerKind.Conv && l.Columns >= blockSize).ToList();
        var init = model.Proto.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var codes = new Dictionary<string, BlockCodes>(StringComparer.Ordinal);
        foreach (var batch in Batches(layers, budgetBytes))
        {
            progress?.Invoke($"GPTQ: input statistics of {batch.Count} layers on {calibration.Count} samples");
            using var stats = LayerInputStatistics.Gather(model, batch, calibration);
            foreach (var layer in batch)
            {
                var values = OnnxTensorData.ToFloat32(init[layer.Weight]);
                if (values.Any(v => !float.IsFinite(v))) continue;
                int k = layer.Columns, n = layer.Rows;
                // GPTQ works on W [K, N]; a Gemm with transB stores [N, K].
                var w = layer.Transposed ? values : RowMajor.Transpose(values, n, k);
                codes[layer.Weight] = BlockGptq.Solve(w, k, n, stats.Of(layer)[0], bits, blockSize, options);
            }
        }
        return codes;
    }

    static List<List<LinearLayer>> Batches(IReadOnlyList<LinearLayer> layers, long budget)
    {
        var batches = new List<List<LinearLayer>>();
        long used = 0;
        foreach (var layer in layers)
        {
            var bytes = 4L * layer.Columns * layer.Columns;
            if (batches.Count == 0 || used + bytes > budget) { batches.Add([]); used = 0; }
            batches[^1].Add(layer);
            used += bytes;
        }
        return batches;
    }
}
