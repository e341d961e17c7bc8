using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// The one selection every method shares: among the entries still alive in the masks, prune
/// exactly the requested number with the lowest importance, across all the tensors at once.
/// The count is exact even when many scores are equal, and ties go to the lowest flat index, so
/// the choice is a function of the scores alone: pruning to s and then on to s′ leaves the same
/// mask as pruning straight to s′ (<c>topk</c>'s tie order would not: it depends on k).
/// </summary>
public static class MaskSelection
{
    /// <summary>New masks (float32 0/1, fresh tensors) for the given importances and current masks.</summary>
    public static Tensor[] PruneLowest(IReadOnlyList<Tensor> importances, IReadOnlyList<Tensor> currentMasks, PruningAmount amount)
    {
        if (importances.Count != currentMasks.Count) throw new ArgumentException("one mask per importance tensor");
        if (importances.Count == 0) return [];
        using var scope = NewDisposeScope();
        var flat = cat(importances.Select(t => t.detach().flatten().to(ScalarType.Float64)).ToArray());
        if (!flat.isfinite().all().item<bool>())
            throw new CondenseException("pruning scores contain NaN or infinite values (the model's weights or gradients overflowed)");
        var alive = cat(currentMasks.Select(m => m.flatten() > 0).ToArray());
        var aliveIndex = alive.nonzero().flatten();
        var k = amount.Resolve(aliveIndex.shape[0]);
        var newFlat = alive.to(ScalarType.Float32);
        if (k > 0)
        {
            newFlat.index_fill_(0, aliveIndex.masked_select(LowestK(flat.index_select(0, aliveIndex), k)), 0f);
        }
        var result = new Tensor[importances.Count];
        long offset = 0;
        for (var i = 0; i < importances.Count; i++)
        {
            var n = importances[i].numel();
            result[i] = newFlat.narrow(0, offset, n).reshape(importances[i].shape).clone().MoveToOuterDisposeScope();
            offset += n;
        }
        return result;
    }

    /// <summary>
    /// Which k entries of a 1-D tensor a stable ascending sort would put first (a bool mask), in
    /// O(n) instead of O(n log n): every value below the k-th smallest, then as many of the values
    /// equal to it as are still needed, lowest index first. (SynFlow selects 100 times per
    /// sparsity: the sort was most of its time.) 1 ≤ k ≤ n.
    /// </summary>
    internal static Tensor LowestK(Tensor values, long k)
    {
        using var scope = NewDisposeScope();
        var threshold = values.kthvalue(k, 0).values;
        var below = values.lt(threshold);
        var tied = values.eq(threshold);
        var needed = k - below.sum().item<long>();
        return below.logical_or(tied.logical_and(tied.to(ScalarType.Int64).cumsum(0).le(needed))).MoveToOuterDisposeScope();
    }
}
