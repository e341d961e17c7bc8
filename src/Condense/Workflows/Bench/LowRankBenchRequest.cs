using Condense.LowRank;

namespace Condense.Workflows.Bench;

/// <summary>
/// What <c>condense bench lowrank</c> measures: Condense's randomized SVD on the peer's n×n matrices
/// at each rank, best of <see cref="Reps"/>. Validated on construction.
/// </summary>
public sealed record LowRankBenchRequest
{
    /// <summary>Builds a request; a setting out of range is a <see cref="CondenseException"/> naming the option.</summary>
    /// <param name="n">Matrix side (2..8192).</param>
    /// <param name="ranks">Ranks to sketch (each 1..n).</param>
    /// <param name="reps">Repetitions (1..1000); the best time is reported.</param>
    /// <param name="options">The sketch's oversampling, power iterations and normalizer.</param>
    /// <param name="peers">Run torch.svd_lowrank live beside Condense (the bench layer runs the peer).</param>
    public LowRankBenchRequest(int n, IReadOnlyList<int> ranks, int reps, RandomizedSvdOptions options, bool peers)
    {
        if (n < 2 || n > 8192) throw new CondenseException($"bench lowrank: --n must be in [2, 8192], got {n}");
        if (reps < 1 || reps > 1000) throw new CondenseException($"bench lowrank: --reps must be in [1, 1000], got {reps}");
        foreach (var r in ranks)
            if (r < 1 || r > n) throw new CondenseException($"bench lowrank: rank {r} must be in [1, {n}]");
        (N, Ranks, Reps, Options, Peers) = (n, ranks, reps, options, peers);
    }

    /// <summary>Matrix side.</summary>
    public int N { get; }

    /// <summary>Ranks to sketch, in order.</summary>
    public IReadOnlyList<int> Ranks { get; }

    /// <summary>Repetitions; the best time is reported.</summary>
    public int Reps { get; }

    /// <summary>The sketch's settings.</summary>
    public RandomizedSvdOptions Options { get; }

    /// <summary>Whether torch.svd_lowrank runs live beside Condense.</summary>
    public bool Peers { get; }
}
