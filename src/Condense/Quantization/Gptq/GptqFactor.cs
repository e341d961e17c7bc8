using static TorchSharp.torch;

namespace Condense.Quantization.Gptq;

/// <summary>
/// The part of GPTQ that depends on the layer's inputs only, not on the weights or the grid: the
/// input energy diag(H), the columns that never see input, the order the columns are quantized in,
/// and U, the upper Cholesky factor of (H + λI)⁻¹. Factorising H costs ⅔n³ (seconds at n = 4608,
/// a 3×3 conv over 512 channels), far more than one solve's rounding; analysis solves the same
/// layer under many settings, so it factorises once and hands this to every
/// <see cref="GptqSolver.Solve(ReadOnlySpan{float}, int, int, GptqFactor, IGptqQuantizer)"/>.
/// </summary>
public sealed class GptqFactor : IDisposable
{
    readonly Tensor u;

    GptqFactor(Tensor u, double[] energy, int[] order, GptqOptions options)
    {
        this.u = u;
        Energy = energy;
        Order = order;
        Options = options;
    }

    /// <summary>n: the layer's input columns.</summary>
    public int Columns => Energy.Count;

    /// <summary>diag H: each column's input energy (0 for a column that never sees input).</summary>
    public IReadOnlyList<double> Energy { get; }

    /// <summary>Order[k] = the original column quantized k-th (descending energy with act-order, else 0…n−1).</summary>
    public IReadOnlyList<int> Order { get; }

    /// <summary>The options the factor was made with (dampening, act-order; the lazy block size is used by the solve).</summary>
    public GptqOptions Options { get; }

    /// <summary>U (float32, columns in <see cref="Order"/>): UᵀU = (H + λI)⁻¹.</summary>
    internal Tensor U => u;

    /// <summary>Factorises H from the accumulator (no managed copy of the n×n matrix, no float64 copy of it either).</summary>
    public static GptqFactor Of(HessianAccumulator hessian, GptqOptions options)
    {
        ArgumentNullException.ThrowIfNull(hessian);
        return Of(hessian.Matrix, options);
    }

    /// <summary>Factorises H given as a row-major n×n array.</summary>
    public static GptqFactor Of(ReadOnlySpan<double> hessian, int columns, GptqOptions options)
    {
        if (columns <= 0 || hessian.Length != (long)columns * columns)
            throw new CondenseException($"a Hessian of {hessian.Length} values is not {columns}×{columns}");
        using var scope = NewDisposeScope();
        return Of(tensor(hessian.ToArray(), new long[] { columns, columns }), options);
    }

    // h: n×n (float32 from an accumulator), not modified. The factorisation runs in float32, as the reference
    // implementation's does; U is kept in float32 too (half the memory of float64, and exactly the
    // values a float64 copy would hold), and widened block by block by the solve.
    static GptqFactor Of(Tensor h, GptqOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var scope = NewDisposeScope();
        int columns = (int)h.shape[0];
        var energy = h.diagonal().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        double meanDiag = 0;
        for (int j = 0; j < columns; j++) meanDiag += energy[j] <= 0 ? 1 : energy[j];
        meanDiag /= columns;
        var order = Enumerable.Range(0, columns).ToArray();
        if (options.ActOrder) order = [.. order.OrderByDescending(j => energy[j]).ThenBy(j => j)];
        // The columns in order, reversed (see UpperCholeskyOfInverse): a copy the factorisation may overwrite.
        var reversed = tensor(order.Reverse().Select(i => (long)i).ToArray());
        var flipped = h.index_select(0, reversed).index_select(1, reversed).to_type(ScalarType.Float32);
        // A column that never sees input gets a unit diagonal: its weight is zeroed by the solve, and
        // the factorisation stays defined.
        var dead = Enumerable.Range(0, columns).Where(k => energy[order[columns - 1 - k]] <= 0).Select(k => (long)k).ToArray();
        if (dead.Length > 0) flipped.diagonal().index_fill_(0, tensor(dead), 1.0);
        var u = UpperCholeskyOfInverse(flipped, options.Dampening * meanDiag).DetachFromDisposeScope(); // owned by the factor
        return new GptqFactor(u, energy, order, options);
    }

    /// <summary>
    /// U upper triangular with UᵀU = (H + λI)⁻¹, λ raised tenfold until the factorisation succeeds,
    /// from JHJ (J the reversal permutation), given as <paramref name="flipped"/>: with
    /// J(H + λI)J = L'L'ᵀ, (H + λI)⁻¹ = (J L'⁻ᵀ J)(J L'⁻¹ J) and J L'⁻¹ J is upper triangular: one
    /// Cholesky and one triangular inverse (⅔n³ together, <see cref="LowerInverse"/>) instead of
    /// inverting H and factorising the inverse. Beside <paramref name="flipped"/>, L' and L'⁻¹ and the
    /// solver's copy of one trailing block of L' live at once (no n×n identity).
    /// </summary>
    static Tensor UpperCholeskyOfInverse(Tensor flipped, double damp)
    {
        var n = flipped.shape[0];
        for (int attempt = 0; attempt < 8; attempt++, damp *= 10)
        {
            using var inner = NewDisposeScope();
            var damped = flipped.clone();
            damped.diagonal().add_(damp);
            var (lower, info) = linalg.cholesky_ex(damped);
            damped.Dispose();
            if (info.item<int>() != 0) continue;
            var inverse = LowerInverse(lower);
            lower.Dispose();
            if (!inverse.isfinite().all().item<bool>()) continue;
            return inverse.flip(0, 1).MoveToOuterDisposeScope();
        }
        throw new CondenseException("GPTQ: the input statistics are not positive definite even with strong dampening");
    }

    /// <summary>Columns of the identity solved at once by <see cref="LowerInverse"/>.</summary>
    internal const int InverseBlock = 512;

    /// <summary>
    /// L⁻¹ of a lower triangular float32 L, in n³/3 instead of the n³ of one triangular solve against
    /// the whole identity: L⁻¹ is lower triangular, so the columns [a, a+b) of L⁻¹ are 0 above row a and
    /// below it solve L[a:, a:] X = I[a:, a:a+b] — each block of columns solved against the trailing part
    /// of L only (LAPACK's strtri would do the same; LibTorch does not expose it). Every entry is the
    /// same forward substitution as before, summed in LibTorch's order for the smaller system, so only
    /// the last float32 bits differ from the one solve.
    /// </summary>
    internal static Tensor LowerInverse(Tensor lower)
    {
        var n = lower.shape[0];
        var inverse = zeros(n, n, dtype: lower.dtype);
        for (long a = 0; a < n; a += InverseBlock)
        {
            using var scope = NewDisposeScope();
            long width = Math.Min(InverseBlock, n - a), rest = n - a;
            var trailing = lower.narrow(0, a, rest).narrow(1, a, rest);
            var identity = eye(rest, width, dtype: lower.dtype);
            inverse.narrow(0, a, rest).narrow(1, a, width).copy_(linalg.solve_triangular(trailing, identity, upper: false));
        }
        return inverse;
    }

    /// <summary>Frees the factor (LibTorch memory).</summary>
    public void Dispose() => u.Dispose();
}
