using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Graph.Structure;
using Condense.Metrics;
using Condense.Pruning;
using Condense.Quantization.Gptq;

namespace Condense.Analysis;

/// <summary>
/// The settings that change a layer's structure rather than round each weight (<see cref="QuantizationSetting.RankPercent"/>,
/// <see cref="QuantizationSetting.SparsityPercent"/>), made from the same calibration statistics the
/// quantization settings use, so that the planner measures and mixes them like any setting: an
/// encoding the compressor writes (its bytes are the bytes written) and the values it decodes to (what the
/// weight-swap session and the held-out errors see; exact, so a layer's measured error is the file's).
/// </summary>
public static class StructuralSettings
{
    /// <summary>The rank "r<paramref name="percent"/>" keeps: the two factors hold <paramref name="percent"/> % of rows·columns (at least 1, at most full rank).</summary>
    public static int Rank(int rows, int columns, int percent) =>
        Math.Clamp((int)(percent / 100.0 * rows * columns / (rows + columns)), 1, Math.Min(rows, columns));

    /// <summary>
    /// The layer under a structural setting, or a null encoding where the setting does not apply (low rank on a
    /// Conv, grouped or table layer; anything on a table; sparsity below opset 11): the layer stays float32 there.
    /// </summary>
    /// <param name="layer">The layer.</param>
    /// <param name="w">Its matrix, rows = outputs (groups stacked by rows).</param>
    /// <param name="setting">A structural setting.</param>
    /// <param name="hessians">The calibration H per group, or null (no data: plain SVD, magnitude pruning).</param>
    /// <param name="factors">H factorised per group (as GPTQ uses it), or null.</param>
    /// <param name="opset">The model's default-domain opset.</param>
    public static (OnnxQuantizedMatrix? Encoding, float[] Values) Apply(LinearLayer layer, float[] w, QuantizationSetting setting,
        IReadOnlyList<HessianAccumulator>? hessians, IReadOnlyList<GptqFactor>? factors, long opset)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(setting);
        if (layer.Kind == LinearLayerKind.Gather) return (null, w);
        if (setting.RankPercent > 0)
            return layer.Kind is LinearLayerKind.MatMul or LinearLayerKind.Gemm && layer.Groups == 1
                ? LowRank(layer, w, setting, setting.Gptq ? hessians?[0] : null, setting.Gptq ? factors?[0] : null) : (null, w);
        if (setting.SparsityPercent > 0 && opset >= 11) return Sparse(layer, w, setting, setting.Gptq ? factors : null);
        return (null, w);
    }

    static (OnnxQuantizedMatrix, float[]) LowRank(LinearLayer layer, float[] w, QuantizationSetting setting, HessianAccumulator? hessian, GptqFactor? factor)
    {
        int rows = layer.Rows, columns = layer.Columns, rank = Rank(rows, columns, setting.RankPercent);
        double[]? gram = null;
        if (hessian is not null)
        {
            // ActivationAwareSvd takes InputGrams' (K+1)² layout (last feature the constant); only the K×K block is read.
            var h = hessian.ToArray();
            gram = new double[(columns + 1) * (columns + 1)];
            for (int i = 0; i < columns; i++) Array.Copy(h, i * columns, gram, i * (columns + 1), columns);
        }
        // X·Wᵀ ≈ X·A·B (A: columns × r, B: r × rows), so W ≈ Bᵀ·Aᵀ: left = Bᵀ (rows × r), right = Aᵀ (r × columns).
        var (a, b) = ActivationAwareSvd.Factor(RowMajor.Transpose(w, rows, columns), columns, rows, rank, gram);
        var left = RowMajor.Transpose(b, rank, rows);
        var right = RowMajor.Transpose(a, columns, rank);
        OnnxQuantizedMatrix leftCode, rightCode;
        if (setting.Bits >= 32)
        {
            leftCode = new("float32", false, Float: new FloatMatrix(rows, rank, left));
            rightCode = new("float32", false, Float: new FloatMatrix(rank, columns, right));
        }
        else
        {
            // The right factor meets the layer's input: GPTQ against the same H; the left one is rounded per row.
            var rightGrid = new LinearGridQuantizer(setting.Bits);
            right = factor is null ? RoundToNearest.Solve(right, rank, columns, rightGrid) : GptqSolver.Solve(right, rank, columns, factor, rightGrid);
            var leftGrid = new LinearGridQuantizer(setting.Bits);
            left = RoundToNearest.Solve(left, rows, rank, leftGrid);
            leftCode = new($"linear {setting.Bits}-bit", false, Grid: leftGrid.Result());
            rightCode = new($"linear {setting.Bits}-bit", false, Grid: rightGrid.Result());
        }
        var label = $"low rank {rank} ({(hessian is null ? "svd" : "whitened svd")}, {(setting.Bits >= 32 ? "float32" : $"{setting.Bits}-bit")} factors)";
        return (new OnnxQuantizedMatrix(label, layer.Transposed, Left: leftCode, Right: rightCode), FloatMatrix.Product(left, right, rows, rank, columns));
    }

    static (OnnxQuantizedMatrix, float[]) Sparse(LinearLayer layer, float[] w, QuantizationSetting setting, IReadOnlyList<GptqFactor>? factors)
    {
        int size = layer.Rows * layer.Columns;
        var sparsity = setting.SparsityPercent / 100.0;
        var pruned = new float[w.Length];
        for (int g = 0; g < layer.Groups; g++)
        {
            var slice = w.AsSpan(g * size, size);
            (factors is null ? SparseGpt.Magnitude(slice, sparsity) : SparseGpt.Prune(slice, layer.Rows, layer.Columns, factors[g], sparsity)).CopyTo(pruned, g * size);
        }
        var label = $"{(factors is null ? "magnitude" : "sparsegpt")} {setting.SparsityPercent}% zeros, mask + {(setting.Bits >= 32 ? "float32" : $"{setting.Bits}-bit")} non-zeros";
        var encoding = new OnnxQuantizedMatrix(label, layer.Transposed, Float: new FloatMatrix(layer.Rows * layer.Groups, layer.Columns, pruned), SparseBits: setting.Bits);
        return (encoding, OnnxEncodings.MaskedValues(pruned, setting.Bits));
    }
}
