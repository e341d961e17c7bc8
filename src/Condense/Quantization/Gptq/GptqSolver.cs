using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Quantization.Gptq;

/// <summary>
/// GPTQ (Frantar, Ashkboos, Hoefler &amp; Alistarh, ICLR 2023): quantizes W (rows × columns, one row
/// per output, one column per input feature) column by column, and after each column spreads its
/// rounding error over the columns not yet quantized so that the layer's output on the calibration
/// inputs, ‖(W − Ŵ)X‖², not the weights, stays close: with H = XXᵀ, the optimal update after
/// quantizing column q is −(w_q − ŵ_q)/[H⁻¹]_qq · [H⁻¹]_q,: (Optimal Brain Surgeon), and the rows
/// of the upper Cholesky factor of H⁻¹ give exactly these for every step at once.
/// </summary>
/// <remarks>
/// Columns that never see input (diag H = 0) are set to 0 (they cannot change the output);
/// λ = dampening · mean diag H is added to the diagonal, and multiplied by 10 until H is positive
/// definite. Errors are applied lazily per block of columns: inside a block by rank-1 updates,
/// to the rest in one LibTorch matrix product per block. A block's own columns are rounded and
/// compensated in float64; W and the lazy products (rows·n² multiply-adds per solve, most of its
/// time) are float32, as in the reference implementation: one in-place <c>addmm_</c> per block, with no
/// float64 copy of U's strip and no temporary the size of W's rest. Float32 moves a code only where
/// a value lies within float32 rounding of a decision boundary (the figures of ResNet18's analysis
/// moved by the amounts stated in docs/analyze-and-plan.md).
/// </remarks>
public static class GptqSolver
{
    /// <summary>Quantizes <paramref name="weights"/> with <paramref name="quantizer"/>, compensating against <paramref name="hessian"/>.</summary>
    /// <param name="weights">W, rows × columns, row-major (not modified).</param>
    /// <param name="rows">Output rows of W.</param>
    /// <param name="columns">Input columns of W.</param>
    /// <param name="hessian">H = Σ x xᵀ over the layer's inputs, columns × columns, row-major.</param>
    /// <param name="quantizer">The grid or codebook to round with (holds the codes afterwards).</param>
    /// <param name="options">Dampening, lazy block size, act-order.</param>
    /// <returns>Ŵ, row-major; the codes and grid or codebook are in the quantizer.</returns>
    public static float[] Solve(ReadOnlySpan<float> weights, int rows, int columns, ReadOnlySpan<double> hessian,
        IGptqQuantizer quantizer, GptqOptions options)
    {
        using var factor = GptqFactor.Of(hessian, columns, options);
        return Solve(weights, rows, columns, factor, quantizer);
    }

    /// <summary>As the span overload, reading H straight from the accumulator (no managed copy of an n×n matrix).</summary>
    public static float[] Solve(ReadOnlySpan<float> weights, int rows, int columns, HessianAccumulator hessian,
        IGptqQuantizer quantizer, GptqOptions options)
    {
        ArgumentNullException.ThrowIfNull(hessian);
        if (hessian.Size != columns) throw new CondenseException($"a Hessian of {hessian.Size} features does not fit {columns} columns");
        using var factor = GptqFactor.Of(hessian, options);
        return Solve(weights, rows, columns, factor, quantizer);
    }

    /// <summary>Quantizes against an H factorised once (<see cref="GptqFactor"/>), as when one layer is solved under many settings.</summary>
    public static float[] Solve(ReadOnlySpan<float> weights, int rows, int columns, GptqFactor factor, IGptqQuantizer quantizer)
    {
        ArgumentNullException.ThrowIfNull(factor);
        ArgumentNullException.ThrowIfNull(quantizer);
        var options = factor.Options;
        if (factor.Columns != columns) throw new CondenseException($"a Hessian of {factor.Columns} features does not fit {columns} columns");
        if (rows <= 0 || columns <= 0 || weights.Length != (long)rows * columns)
            throw new CondenseException($"{weights.Length} weights are not a {rows}×{columns} matrix");
        if (options.ActOrder && quantizer.GroupWidth > 0)
            throw new CondenseException("act-order needs a quantizer without column groups (blocks are contiguous columns)");
        using var scope = NewDisposeScope();

        var w = new double[weights.Length];
        for (int i = 0; i < w.Length; i++) w[i] = weights[i];
        var energy = factor.Energy.ToArray();
        quantizer.Fit(w, rows, columns, energy);
        // Columns that never see input cannot change the output: they are set to 0.
        for (int j = 0; j < columns; j++)
            if (energy[j] <= 0)
                for (int r = 0; r < rows; r++) w[(long)r * columns + j] = 0;

        // perm[k] = the original column quantized k-th. W lives in float32 (the weights are float32 to begin
        // with): the lazy updates below are float32 products, added in place (see the remarks).
        var perm = factor.Order;
        // W's float32 copy is this solve's own: LibTorch works on it in place (frombuffer), not on a clone of it.
        var wt = frombuffer(ToFloat32(w), ScalarType.Float32).view(rows, columns);
        if (options.ActOrder) wt = wt.index_select(1, tensor(perm.Select(i => (long)i).ToArray()));
        var u = factor.U;
        var q = new float[weights.Length];

        // Lazy batches must not straddle a quantizer group, so that a group's parameters are fitted
        // when all earlier errors have reached it.
        var groupWidth = quantizer.GroupWidth;
        var batch = groupWidth > 0 ? Math.Max(1, options.BlockSize / groupWidth) * groupWidth : options.BlockSize;
        var w1 = new double[rows * Math.Min(batch, columns)];
        var u1 = new double[Math.Min(batch, columns) * Math.Min(batch, columns)];
        var err = new float[rows * Math.Min(batch, columns)];
        for (int i1 = 0; i1 < columns; i1 += batch)
        {
            int i2 = Math.Min(i1 + batch, columns), count = i2 - i1;
            using var inner = NewDisposeScope();
            Widen(wt.narrow(1, i1, count), w1.AsSpan(0, rows * count));
            Widen(u.narrow(0, i1, count).narrow(1, i1, count), u1.AsSpan(0, count * count));
            for (int i = 0; i < count; i++)
            {
                int column = perm[i1 + i];
                if (groupWidth > 0 && (i1 + i) % groupWidth == 0)
                {
                    var width = Math.Min(groupWidth, columns - (i1 + i));
                    var current = new double[rows * width];
                    for (int r = 0; r < rows; r++)
                        for (int k = 0; k < width; k++) current[r * width + k] = w1[r * count + i + k];
                    quantizer.FitGroup(i1 + i, current, rows, width);
                }
                var d = u1[i * count + i];
                var ui = u1.AsSpan(i * count + i + 1, count - i - 1);
                for (int r = 0; r < rows; r++)
                {
                    var value = w1[r * count + i];
                    var rounded = quantizer.Quantize(r, column, value);
                    q[(long)r * columns + column] = (float)rounded;
                    var e = (value - rounded) / d;
                    err[r * count + i] = (float)e;
                    SubtractScaled(w1.AsSpan(r * count + i + 1, count - i - 1), e, ui);
                }
            }
            // The columns after the block: W[:, i2:] −= E·U[i1:i2, i2:], one float32 product written into W
            // (views with a row stride, no copy of U's strip and no temporary the size of W's rest).
            if (i2 < columns)
                wt.narrow(1, i2, columns - i2).addmm_(frombuffer(err, ScalarType.Float32, (long)rows * count).view(rows, count),
                    u.narrow(0, i1, count).narrow(1, i2, columns - i2), beta: 1, alpha: -1);
        }
        return q;
    }

    static float[] ToFloat32(double[] w)
    {
        var f = new float[w.Length];
        for (int i = 0; i < w.Length; i++) f[i] = (float)w[i];
        return f;
    }

    // A float32 matrix view widened into a row-major double span (one contiguous copy of the small view, read
    // as a span: TensorAccessor's ToArray enumerates indices one element at a time).
    static void Widen(Tensor view, Span<double> target)
    {
        using var block = view.contiguous();
        var values = MemoryMarshal.Cast<byte, float>(block.bytes);
        for (int k = 0; k < target.Length; k++) target[k] = values[k];
    }

    // target[k] −= e·u[k], vectorised: a multiply then a subtract per element, exactly as the scalar loop
    // rounds (no fused multiply-add), so the result is the same to the last bit.
    static void SubtractScaled(Span<double> target, double e, ReadOnlySpan<double> u)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated && target.Length >= Vector<double>.Count)
        {
            var scale = new Vector<double>(e);
            var tv = MemoryMarshal.Cast<double, Vector<double>>(target);
            var uv = MemoryMarshal.Cast<double, Vector<double>>(u);
            for (int v = 0; v < tv.Length; v++) tv[v] -= scale * uv[v];
            k = tv.Length * Vector<double>.Count;
        }
        for (; k < target.Length; k++) target[k] -= e * u[k];
    }
}
