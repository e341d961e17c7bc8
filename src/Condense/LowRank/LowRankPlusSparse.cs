using TorchSharp;
using static TorchSharp.torch;

namespace Condense.LowRank;

/// <summary>
/// The robust split W ≈ L + S of a weight matrix into a rank-r part L and a part S with exactly s
/// nonzeros, by GoDec (Zhou &amp; Tao, "GoDec: Randomized low-rank &amp; sparse matrix decomposition in
/// noisy case", ICML 2011, Algorithm 1): starting from S = 0, alternate
/// L ← the best rank-r approximation of W − S and S ← the s largest-magnitude entries of W − L,
/// until ‖W − L − S‖_F stops falling.
/// </summary>
/// <remarks>
/// <para>Why it helps: trained layers carry a few large outlier weights. A rank-r product spreads each
/// outlier over a whole row and column of its factors (an isolated spike has a flat spectrum, so
/// low rank is the worst way to store it), and the residual of the best rank-r fit is dominated by
/// them. Stored as s (index, value) pairs instead, the outliers cost one entry each and the factors
/// are free to fit the smooth part: for the same error r can fall, or for the same r the error does.</para>
/// <para>Each half-step solves its sub-problem exactly (Eckart–Young–Mirsky for L, hard thresholding
/// for S) with the other part fixed, so ‖W − L − S‖_F never rises (with the exact SVD; a randomized
/// L-step that would raise it is rejected and the iteration stops). S's selection keeps exactly s
/// entries; among equal magnitudes the lowest flat index wins, the tie rule of
/// <see cref="Pruning.MaskSelection"/>, so the split is a function of W alone. GoDec's own L-step is
/// a bilateral random projection; here it is <see cref="TruncatedSvd"/> (optimal, float64) or, when
/// asked, <see cref="RandomizedSvd"/> with a seed: same seed, same bytes either way.</para>
/// <para>With s = 0 the split is exactly the truncated SVD (one iteration).</para>
/// </remarks>
public static class LowRankPlusSparse
{
    const string What = "low-rank + sparse";

    /// <summary>Below this relative Frobenius error the split is exact up to float64 rounding and iteration stops.</summary>
    const double ExactError = 1e-12;

    /// <summary>W ≈ Left·Right + S with rank <paramref name="rank"/> (1 ≤ r ≤ min(m, n)) and s nonzeros in S (0 ≤ s &lt; mn).</summary>
    /// <exception cref="CondenseException">A bad rank or budget, or W not a 2-D finite floating-point matrix.</exception>
    public static LowRankPlusSparseResult Compute(Tensor w, int rank, SparseBudget sparse, LowRankPlusSparseOptions? options = null)
    {
        options ??= LowRankPlusSparseOptions.Default;
        using var scope = NewDisposeScope();
        var a = MatrixGuard.Require(w, What);
        long m = a.shape[0], n = a.shape[1];
        MatrixGuard.RequireRank(rank, m, n, What);
        long s = sparse.Resolve(m * n);
        var dtype = a.dtype;
        var x = a.to_type(ScalarType.Float64);
        double norm = linalg.vector_norm(x).item<double>();

        Tensor? left = null, right = null;
        var indices = zeros(0, dtype: ScalarType.Int64);
        var values = zeros(0, dtype: ScalarType.Float64);
        var sparsePart = zeros_like(x);
        var errors = new List<double>();
        bool converged = false;
        for (int t = 0; t < options.MaxIterations; t++)
        {
            using var step = NewDisposeScope();
            using var approx = options.Randomized is { } sketch
                ? RandomizedSvd.Compute(x - sparsePart, rank, sketch)
                : TruncatedSvd.Compute(x - sparsePart, rank);
            var residual = x - approx.Reconstruct();
            var chosen = LargestMagnitudes(residual.flatten(), s);
            var chosenValues = residual.flatten().index_select(0, chosen);
            var newSparse = zeros(m * n, dtype: ScalarType.Float64).index_put_(chosenValues, chosen).reshape(m, n);
            double error = norm > 0 ? linalg.vector_norm(residual - newSparse).item<double>() / norm : 0;
            if (options.Randomized is not null && errors.Count > 0 && error > errors[^1])
            {
                // A sketched L-step is not optimal and may raise the error: keep the last split. (The
                // exact L-step cannot, so no guard hides a fault there: the recorded errors are the algorithm's.)
                converged = true;
                break;
            }
            // Replace the previous iterate, freeing it now rather than at the end (an m×n float64 S per iteration).
            foreach (var old in new[] { left, right, indices, values, sparsePart }) old?.Dispose();
            left = approx.Left.to_type(dtype).contiguous().MoveToOuterDisposeScope();
            right = approx.Right.to_type(dtype).contiguous().MoveToOuterDisposeScope();
            indices = chosen.MoveToOuterDisposeScope();
            values = chosenValues.MoveToOuterDisposeScope();
            sparsePart = newSparse.MoveToOuterDisposeScope();
            bool stalled = errors.Count > 0 && errors[^1] - error <= options.Tolerance * errors[^1];
            errors.Add(error);
            if (s == 0 || error <= ExactError || stalled)
            {
                converged = true;
                break;
            }
        }

        var storedValues = values.to_type(dtype);
        // Errors of what is stored (factors and values in W's dtype), measured independently in float64.
        var reconstructed = left!.to_type(ScalarType.Float64).mm(right!.to_type(ScalarType.Float64)).flatten()
            .index_add_(0, indices, storedValues.to_type(ScalarType.Float64), 1).reshape(m, n);
        var measured = LowRankError.Measure(a, reconstructed);
        var (bits, entries) = CompactIndexing(indices, m * n);
        return new LowRankPlusSparseResult(left.DetachFromDisposeScope(), right.DetachFromDisposeScope(),
            indices.contiguous().DetachFromDisposeScope(), storedValues.contiguous().DetachFromDisposeScope(),
            measured, errors, converged, options.Randomized is null ? "truncated" : "randomized", bits, entries);
    }

    /// <summary>
    /// Flat indices (int64, ascending) of the <paramref name="count"/> largest |v|: every magnitude
    /// above the count-th largest, then as many of those equal to it as are needed, lowest index first
    /// (what a stable descending sort would take, in linear time): <see cref="Pruning.MaskSelection"/>'s rule, on −|v|.
    /// </summary>
    internal static Tensor LargestMagnitudes(Tensor flat, long count)
    {
        if (count == 0) return zeros(0, dtype: ScalarType.Int64);
        using var scope = NewDisposeScope();
        return Pruning.MaskSelection.LowestK(flat.abs().neg(), count).nonzero().flatten().MoveToOuterDisposeScope();
    }

    /// <summary>The cheapest Deep Compression relative-index width for these positions and its entry count (padding included).</summary>
    static (int Bits, long Entries) CompactIndexing(Tensor indices, long length)
    {
        if (indices.shape[0] == 0) return (Codecs.RelativeIndex.MinBits, 0);
        var support = new float[length];
        foreach (var i in indices.data<long>()) support[i] = 1f;
        int bits = Codecs.RelativeIndex.BestBits(support);
        return (bits, Codecs.RelativeIndex.EntriesFor<float>(support, bits));
    }
}
