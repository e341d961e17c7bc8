using Condense.LowRank;

namespace Condense.Hashing;

/// <summary>
/// The second baseline a hashed network must beat: the same wide architecture with every weight
/// matrix W (out × in) factorised as U·V at one common rank r and trained from scratch (Denil et
/// al. 2013, "Predicting Parameters in Deep Learning"; Sainath et al. 2013), at no more
/// parameters than the compressed network. A layer whose factors would not be smaller than W
/// (r·(in + out) ≥ in·out, e.g. the 1000 → 10 output layer once r ≥ 10) stays dense, as a
/// factorisation there would only add parameters.
/// </summary>
public static class EqualSizeLowRank
{
    /// <summary>Weights plus biases of a network whose layers use <paramref name="ranks"/> (null: dense).</summary>
    public static long ParameterCount(IReadOnlyList<int> sizes, IReadOnlyList<int?> ranks)
    {
        if (ranks.Count != sizes.Count - 1) throw new CondenseException($"{ranks.Count} ranks given for {sizes.Count - 1} layers");
        long total = 0;
        for (var i = 0; i + 1 < sizes.Count; i++)
            total += (ranks[i] is { } r ? LowRankLinear.ParameterCountFor(sizes[i + 1], sizes[i], r) : (long)sizes[i] * sizes[i + 1]) + sizes[i + 1];
        return total;
    }

    /// <summary>The per-layer ranks for common rank <paramref name="rank"/>: null (dense) where factors would not save parameters.</summary>
    public static int?[] RanksFor(IReadOnlyList<int> sizes, int rank)
    {
        if (rank < 1) throw new CondenseException($"rank {rank} must be at least 1");
        var ranks = new int?[sizes.Count - 1];
        for (var i = 0; i + 1 < sizes.Count; i++)
            ranks[i] = (long)rank * (sizes[i] + sizes[i + 1]) < (long)sizes[i] * sizes[i + 1] ? Math.Min(rank, Math.Min(sizes[i], sizes[i + 1])) : null;
        return ranks;
    }

    /// <summary>The largest common rank whose network has at most <paramref name="parameters"/> parameters
    /// (see <see cref="RanksFor"/>), then the budget's remainder spent one rank at a time, layer by layer
    /// from the input side, so the network comes as close to the budget as ranks allow; throws when
    /// even rank 1 is too large.</summary>
    public static int?[] Ranks(IReadOnlyList<int> sizes, long parameters)
    {
        if (sizes.Count < 2) throw new CondenseException("an equal-size low-rank network needs at least one layer");
        var smallest = ParameterCount(sizes, RanksFor(sizes, 1));
        if (smallest > parameters)
            throw new CondenseException($"{parameters:N0} parameters cannot hold a low-rank {string.Join("-", sizes)}: rank 1 already needs {smallest:N0}");
        var best = 1;
        var limit = sizes.Max();
        for (var r = 2; r <= limit; r++)
        {
            if (ParameterCount(sizes, RanksFor(sizes, r)) > parameters) break;
            best = r;
        }
        var ranks = RanksFor(sizes, best);
        for (var grew = true; grew;)
        {
            grew = false;
            for (var i = 0; i < ranks.Length; i++)
            {
                if (ranks[i] is not { } r) continue;
                var saves = (long)(r + 1) * (sizes[i] + sizes[i + 1]) < (long)sizes[i] * sizes[i + 1];
                if (!saves) continue;
                ranks[i] = r + 1;
                if (ParameterCount(sizes, ranks) <= parameters) { grew = true; continue; }
                ranks[i] = r;
            }
        }
        return ranks;
    }
}
