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
/// to the rest in one LibTorch matrix product per block. All arithmetic in float64.
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
        if (hessian.Length != (long)columns * columns)
            throw new CondenseException($"a Hessian of {hessian.Length} values is not {columns}×{columns}");
        using var scope = NewDisposeScope();
        return Solve(weights, rows, columns, tensor(hessian.ToArray(), new long[] { columns, columns }), quantizer, options);
    }

    /// <summary>As the span overload, reading H straight from the accumulator (no managed copy of an n×n matrix).</summary>
    public static float[] Solve(ReadOnlySpan<float> weights, int rows, int columns, HessianAccumulator hessian,
        IGptqQuantizer quantizer, GptqOptions options)
    {
        ArgumentNullException.ThrowIfNull(hessian);
        if (hessian.Size != columns) throw new CondenseException($"a Hessian of {hessian.Size} features does not fit {columns} columns");
        using var scope = NewDisposeScope();
        return Solve(weights, rows, columns, hessian.ToTensor(), quantizer, options);
    }

    // h: H, float64 columns × columns; modified in place (dead columns), never the caller's data.
    static float[] Solve(ReadOnlySpan<float> weights, int rows, int columns, Tensor h,
        IGptqQuantizer quantizer, GptqOptions options)
    {
        ArgumentNullException.ThrowIfNull(quantizer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (rows <= 0 || columns <= 0 || weights.Length != (long)rows * columns)
            throw new CondenseException($"{weights.Length} weights are not a {rows}×{columns} matrix");
        if (options.ActOrder && quantizer.GroupWidth > 0)
            throw new CondenseException("act-order needs a quantizer without column groups (blocks are contiguous columns)");

        var w = new double[weights.Length];
        for (int i = 0; i < w.Length; i++) w[i] = weights[i];
        var energy = h.diagonal().contiguous().data<double>().ToArray();
        quantizer.Fit(w, rows, columns, energy);
        double meanDiag = 0;
        var dead = new List<long>();
        for (int j = 0; j < columns; j++)
        {
            if (energy[j] <= 0)
            {
                dead.Add(j);
                for (int r = 0; r < rows; r++) w[(long)r * columns + j] = 0;
            }
            meanDiag += energy[j] <= 0 ? 1 : energy[j];
        }
        meanDiag /= columns;
        if (dead.Count > 0)
        {
            var index = tensor(dead.ToArray());
            h.diagonal().index_fill_(0, index, 1.0);
        }

        // perm[k] = the original column quantized k-th.
        var perm = Enumerable.Range(0, columns).ToArray();
        if (options.ActOrder) perm = perm.OrderByDescending(j => energy[j]).ThenBy(j => j).ToArray();

        var wt = tensor(w, new long[] { rows, columns });
        var ht = h;
        if (options.ActOrder)
        {
            var p = tensor(perm.Select(i => (long)i).ToArray());
            wt = wt.index_select(1, p);
            ht = ht.index_select(0, p).index_select(1, p);
        }
        var u = UpperCholeskyOfInverse(ht, options.Dampening * meanDiag);
        var q = new float[weights.Length];

        // Lazy batches must not straddle a quantizer group, so that a group's parameters are fitted
        // when all earlier errors have reached it.
        var groupWidth = quantizer.GroupWidth;
        var batch = groupWidth > 0 ? Math.Max(1, options.BlockSize / groupWidth) * groupWidth : options.BlockSize;
        for (int i1 = 0; i1 < columns; i1 += batch)
        {
            int i2 = Math.Min(i1 + batch, columns), count = i2 - i1;
            using var inner = NewDisposeScope();
            var w1 = wt.narrow(1, i1, count).contiguous().data<double>().ToArray();
            var u1 = u.narrow(0, i1, count).narrow(1, i1, count).contiguous().data<double>().ToArray();
            var err = new double[rows * count];
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
                for (int r = 0; r < rows; r++)
                {
                    var value = w1[r * count + i];
                    var rounded = quantizer.Quantize(r, column, value);
                    q[(long)r * columns + column] = (float)rounded;
                    var e = (value - rounded) / d;
                    err[r * count + i] = e;
                    for (int k = i + 1; k < count; k++) w1[r * count + k] -= e * u1[i * count + k];
                }
            }
            if (i2 < columns)
            {
                var e = tensor(err, new long[] { rows, count });
                wt.narrow(1, i2, columns - i2).sub_(e.mm(u.narrow(0, i1, count).narrow(1, i2, columns - i2)));
            }
        }
        return q;
    }

    /// <summary>
    /// U upper triangular with UᵀU = (H + λI)⁻¹, λ raised tenfold until the factorisation succeeds.
    /// With J the reversal permutation and J(H + λI)J = L'L'ᵀ, (H + λI)⁻¹ = (J L'⁻ᵀ J)(J L'⁻¹ J) and
    /// J L'⁻¹ J is upper triangular: one Cholesky and one triangular inverse (⅔n³), in float32 as
    /// the reference implementation does, instead of inverting H and factorising the inverse.
    /// </summary>
    static Tensor UpperCholeskyOfInverse(Tensor h, double damp)
    {
        var n = h.shape[0];
        using var flipped = h.flip(0, 1).to_type(ScalarType.Float32);
        for (int attempt = 0; attempt < 8; attempt++, damp *= 10)
        {
            // Intermediates of n×n (85 MB at n = 4608) are freed as soon as they are used.
            using var inner = NewDisposeScope();
            using var identity = eye(n, dtype: ScalarType.Float32);
            using var damped = flipped + identity * damp;
            var (l, info) = linalg.cholesky_ex(damped);
            using var lower = l;
            using var status = info;
            if (status.item<int>() != 0) continue;
            using var inverse = linalg.solve_triangular(lower, identity, upper: false);
            if (!inverse.isfinite().all().item<bool>()) continue;
            return inverse.flip(0, 1).to_type(ScalarType.Float64).contiguous().MoveToOuterDisposeScope();
        }
        throw new CondenseException("GPTQ: the input statistics are not positive definite even with strong dampening");
    }
}
