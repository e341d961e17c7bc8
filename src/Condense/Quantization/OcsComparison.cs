namespace Condense.Quantization;

/// <summary>One layer at one bit width: the relative output error ‖X(W − Ŵ)ᵀ‖ / ‖XWᵀ‖ of each way to spend the grid.</summary>
/// <param name="Layer">The layer's name.</param>
/// <param name="Bits">Bits per weight (symmetric uniform grid, 2^(b−1) − 1 levels each side).</param>
/// <param name="Splits">Channels OCS added (the layer is that much wider).</param>
/// <param name="Plain">The grid spans max |w|.</param>
/// <param name="Clipped">The grid spans the MSE-optimal clip threshold (weights beyond it saturate).</param>
/// <param name="ClipFraction">That threshold over max |w|.</param>
/// <param name="Ocs">Outlier channel splitting, then the grid spans the split layer's max |w|.</param>
/// <param name="OcsClipped">Splitting, then the MSE-optimal clip of the split layer (the paper's OCS + clip).</param>
public sealed record OcsLayerComparison(string Layer, int Bits, int Splits, double Plain, double Clipped, double ClipFraction, double Ocs, double OcsClipped);

/// <summary>
/// The comparison of Zhao et al. (ICML 2019, §5): at low bit widths, is it better to keep the
/// outliers and pay a coarse grid (plain linear), clip them for a fine grid, or split their
/// channels so the range shrinks without losing them (OCS)? Each quantized layer is judged by
/// its output error on real inputs. The OCS layer's function is <see cref="Fold"/>ed back to the
/// original shape: W′x′ with x′ the duplicated input equals the folded matrix times x exactly,
/// so the error is the widened integer layer's, measured without widening the inputs.
/// </summary>
public static class OcsComparison
{
    /// <summary>Symmetric uniform quantization on [−clip, clip] with 2^(bits−1) − 1 steps each side, dequantized.</summary>
    public static float[] Uniform(ReadOnlySpan<float> w, int bits, float clip)
    {
        if (bits is < 2 or > 16) throw new CondenseException($"OCS comparison: bits must be in 2–16, got {bits}");
        var levels = (1 << (bits - 1)) - 1;
        var r = new float[w.Length];
        if (!(clip > 0)) return r;
        var step = clip / levels;
        for (var i = 0; i < w.Length; i++) r[i] = Math.Clamp(MathF.Round(w[i] / step), -levels, levels) * step;
        return r;
    }

    /// <summary>The clip threshold among 200 evenly spaced fractions of max |w| (0.005 … 1) with the least ‖w − Q(w)‖².</summary>
    public static float MseOptimalClip(ReadOnlySpan<float> w, int bits)
    {
        var max = 0f;
        foreach (var v in w) max = Math.Max(max, Math.Abs(v));
        if (max == 0) return 0;
        float best = max;
        var bestError = double.MaxValue;
        for (var k = 1; k <= 200; k++)
        {
            var clip = max * k / 200;
            var q = Uniform(w, bits, clip);
            double e = 0;
            for (var i = 0; i < w.Length; i++) e += (double)(w[i] - q[i]) * (w[i] - q[i]);
            if (e < bestError) { bestError = e; best = clip; }
        }
        return best;
    }

    /// <summary>max |w|.</summary>
    public static float MaxAbs(ReadOnlySpan<float> w)
    {
        var max = 0f;
        foreach (var v in w) max = Math.Max(max, Math.Abs(v));
        return max;
    }

    /// <summary>
    /// Adds the widened layer's duplicate columns back into the columns they copy: the rows ×
    /// original-columns matrix whose product with x equals the split layer's product with x′.
    /// </summary>
    public static float[] Fold(ReadOnlySpan<float> split, OutlierChannelSplit shape)
    {
        var original = shape.Columns - shape.DuplicatedInputs.Length;
        var r = new float[shape.Rows * original];
        for (var i = 0; i < shape.Rows; i++)
        {
            for (var c = 0; c < original; c++) r[i * original + c] = split[i * shape.Columns + c];
            for (var s = 0; s < shape.DuplicatedInputs.Length; s++) r[i * original + shape.DuplicatedInputs[s]] += split[i * shape.Columns + original + s];
        }
        return r;
    }

    /// <summary>The OCS-quantized layer's function (folded, rows × columns): split ⌈ratio·columns⌉ channels, quantize, fold.</summary>
    public static (float[] Folded, int Splits) Quantize(ReadOnlySpan<float> w, int rows, int columns, int bits, double ratio, bool clip)
    {
        if (!(ratio >= 0) || ratio > 1) throw new CondenseException($"OCS: expand ratio {ratio} must be in [0, 1]");
        var splits = (int)Math.Ceiling(ratio * columns);
        var split = OutlierChannelSplitting.Split(w, rows, columns, splits);
        var range = clip ? MseOptimalClip(split.Weights, bits) : MaxAbs(split.Weights);
        return (Fold(Uniform(split.Weights, bits, range), split), splits);
    }

    /// <summary>Compares the four ways on one layer; <paramref name="outputErrors"/> maps the four quantized rows × columns
    /// matrices (plain, clipped, OCS, OCS + clip) to their relative output errors, in one call so a caller can batch them.</summary>
    public static OcsLayerComparison Compare(string layer, float[] w, int rows, int columns, int bits, double ratio, Func<float[][], double[]> outputErrors)
    {
        var clip = MseOptimalClip(w, bits);
        var (ocs, splits) = Quantize(w, rows, columns, bits, ratio, clip: false);
        var (ocsClipped, _) = Quantize(w, rows, columns, bits, ratio, clip: true);
        var max = MaxAbs(w);
        var e = outputErrors([Uniform(w, bits, max), Uniform(w, bits, clip), ocs, ocsClipped]);
        return new OcsLayerComparison(layer, bits, splits, e[0], e[1], max == 0 ? 1 : clip / max, e[2], e[3]);
    }

    /// <summary>‖X(W − Ŵ)ᵀ‖_F / ‖XWᵀ‖_F for inputs X (count × columns, row-major), in float64.</summary>
    public static double RelativeOutputError(float[] w, float[] quantized, int rows, int columns, float[] inputs)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var count = inputs.Length / columns;
        var x = TorchSharp.torch.tensor(inputs, [count, columns]).to_type(TorchSharp.torch.ScalarType.Float64);
        var wt = TorchSharp.torch.tensor(w, [rows, columns]).to_type(TorchSharp.torch.ScalarType.Float64);
        var qt = TorchSharp.torch.tensor(quantized, [rows, columns]).to_type(TorchSharp.torch.ScalarType.Float64);
        var energy = x.mm(wt.t()).norm().item<double>();
        var error = x.mm((wt - qt).t()).norm().item<double>();
        return energy == 0 ? 0 : error / energy;
    }
}
