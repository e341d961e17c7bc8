using TorchSharp;
using static TorchSharp.torch;

namespace Condense.LowRank;

/// <summary>
/// Finds an orthonormal Q (m×size) whose span nearly contains the range of A: Halko, Martinsson &amp;
/// Tropp, "Finding structure with randomness", SIAM Review 53(2), 2011, Algorithm 4.4 (randomized
/// subspace iteration). Q = orth((AAᵀ)^q A Ω) with Ω a Gaussian n×size test matrix; the building
/// block under <see cref="RandomizedSvd"/>, reusable for anything that needs a range (e.g. ‖A − QQᵀA‖ estimates).
/// </summary>
public static class RandomizedRangeFinder
{
    /// <summary>
    /// Q with orthonormal columns spanning an approximation of A's dominant range.
    /// </summary>
    /// <param name="a">m×n floating-point matrix (float32 or float64; not modified).</param>
    /// <param name="size">Columns of Q (rank + oversamples), 1 ≤ size ≤ min(m, n).</param>
    /// <param name="powerIterations">q ≥ 0.</param>
    /// <param name="normalizer">How the sample is renormalised between products.</param>
    /// <param name="generator">Source of Ω; advancing it is the only side effect.</param>
    /// <returns>A new m×size tensor in A's dtype (the caller owns it).</returns>
    public static Tensor Find(Tensor a, int size, int powerIterations, PowerIterationNormalizer normalizer, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = NewDisposeScope();
        var w = MatrixGuard.Require(a, "range finder");
        MatrixGuard.RequireRank(size, w.shape[0], w.shape[1], "range finder");
        if (powerIterations < 0)
            throw new CondenseException($"range finder: power iterations must be ≥ 0, got {powerIterations}");
        return scope.MoveToOuter(FindUnchecked(w, size, powerIterations, normalizer, generator));
    }

    internal static Tensor FindUnchecked(Tensor a, int size, int powerIterations, PowerIterationNormalizer normalizer, Generator generator)
    {
        var omega = randn(new[] { a.shape[1], (long)size }, dtype: a.dtype, generator: generator);
        var y = a.mm(omega);
        var at = a.t();
        for (int i = 0; i < powerIterations; i++)
        {
            y = Normalize(y, normalizer);
            var z = Normalize(at.mm(y), normalizer);
            y = a.mm(z);
        }
        var (q, _) = linalg.qr(y);
        return q;
    }

    static Tensor Normalize(Tensor y, PowerIterationNormalizer normalizer) => normalizer switch
    {
        PowerIterationNormalizer.QR => linalg.qr(y).Q,
        PowerIterationNormalizer.LU => PermutedLower(y),
        _ => y,
    };

    /// <summary>P·L of y = P·L·U: same span as y, unit diagonal, entries ≤ 1 in magnitude (partial pivoting).</summary>
    static Tensor PermutedLower(Tensor y)
    {
        var (lu, pivots) = linalg.lu_factor(y);
        var lower = lu.tril(-1);
        lower.diagonal().fill_(1);
        var rows = (int)y.shape[0];
        var piv = pivots!.to_type(ScalarType.Int32).data<int>().ToArray();
        // LAPACK's ipiv: row i was swapped with row piv[i] − 1, in order; perm[i] is A's row behind LU's row i.
        var perm = new long[rows];
        for (int i = 0; i < rows; i++) perm[i] = i;
        for (int i = 0; i < piv.Length; i++)
            (perm[i], perm[piv[i] - 1]) = (perm[piv[i] - 1], perm[i]);
        var inverse = new long[rows];
        for (int i = 0; i < rows; i++) inverse[perm[i]] = i;
        return lower.index_select(0, tensor(inverse));
    }
}
