using Condense.Formats.Onnx;
using Condense.Quantization.Gptq;
using Onnx;

namespace Condense.Graph.Structure;

/// <summary>
/// The second moments G = Σ [x, 1]ᵀ[x, 1] of the rows each linear layer multiplies, streamed over
/// calibration samples through ONNX Runtime (<see cref="ActivationCapture"/>): a channel refit, a
/// reconstruction score and a whitened SVD all need exactly this, nothing more. The trailing 1
/// makes the last row and column Σx and the row count, so a refit can also move the bias.
/// Layers reading the same value the same way (Q, K and V of attention) share one matrix.
/// </summary>
public sealed class InputGrams : IDisposable
{
    readonly Dictionary<string, HessianAccumulator> byKey = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> keyOfNode = new(StringComparer.Ordinal);

    InputGrams() { }

    /// <summary>Streams <paramref name="samples"/> through <paramref name="model"/> and accumulates G for each of <paramref name="layers"/>.</summary>
    public static InputGrams Collect(OnnxModel model, IReadOnlyList<MatrixLayer> layers, IEnumerable<IReadOnlyList<TensorProto>> samples)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(samples);
        var grams = new InputGrams();
        var first = new Dictionary<string, MatrixLayer>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            var key = Key(layer);
            grams.keyOfNode[layer.Node.Name] = key;
            if (first.TryAdd(key, layer)) grams.byKey[key] = new HessianAccumulator(layer.K + 1);
        }
        if (first.Count == 0) return grams;
        using var capture = new ActivationCapture(model, first.Values.Select(l => l.Input).Distinct(StringComparer.Ordinal).ToList());
        foreach (var sample in samples)
        {
            var values = capture.Run(sample);
            foreach (var (key, layer) in first)
            {
                var (rows, count) = layer.Rows(values[layer.Input]);
                grams.byKey[key].Add(WithOnes(rows, count, layer.K), count);
            }
        }
        return grams;
    }

    /// <summary>Whether G was collected for <paramref name="node"/>.</summary>
    public bool Has(string node) => keyOfNode.ContainsKey(node);

    /// <summary>Rows accumulated for <paramref name="node"/>.</summary>
    public long Count(string node) => byKey[keyOfNode[node]].Count;

    /// <summary>G for <paramref name="node"/>: (K+1)×(K+1) row-major, the last feature the constant 1.</summary>
    public double[] For(string node) =>
        keyOfNode.TryGetValue(node, out var key) ? byKey[key].ToArray() : throw new CondenseException($"no input statistics for node '{node}'");

    static string Key(MatrixLayer layer) => layer.Kind == MatrixLayerKind.Conv
        ? $"{layer.Input}|conv|{string.Join(",", layer.Weight.Dims.Skip(2))}|{string.Join(";", layer.Node.Attribute.Where(a => a.Name != "group").Select(a => $"{a.Name}={string.Join(",", a.Ints)}{a.S.ToStringUtf8()}"))}"
        : $"{layer.Input}|{layer.K}";

    static float[] WithOnes(float[] rows, int count, int k)
    {
        var result = new float[(long)count * (k + 1)];
        for (int r = 0; r < count; r++)
        {
            rows.AsSpan(r * k, k).CopyTo(result.AsSpan(r * (k + 1), k));
            result[r * (k + 1) + k] = 1f;
        }
        return result;
    }

    /// <summary>Frees the accumulated Gram matrices (LibTorch memory).</summary>
    public void Dispose()
    {
        foreach (var a in byKey.Values) a.Dispose();
        byKey.Clear();
    }
}
