namespace Condense.Workflows.Bench;

/// <summary>
/// What <c>condense bench kmeans</c> measures: 1-D k-means of an n×n N(0, 0.05²) matrix at each bit
/// width, fast and (optionally) exact, best of <see cref="Repeat"/> runs. Validated on construction.
/// </summary>
public sealed record KMeansBenchRequest
{
    /// <summary>Builds a request; a setting out of range is a <see cref="CondenseException"/> naming the option.</summary>
    /// <param name="n">Matrix side (2..16384).</param>
    /// <param name="bits">Bit widths to run (each 1..16).</param>
    /// <param name="exact">auto (when n² ≤ 4.2e6), on or off.</param>
    /// <param name="repeat">Runs per setting (1..100); the best time is reported.</param>
    /// <param name="seed">Seed of W.</param>
    /// <param name="peers">Run scikit-learn live beside Condense (the bench layer runs the peer).</param>
    public KMeansBenchRequest(int n, IReadOnlyList<int> bits, string exact, int repeat, int seed, bool peers)
    {
        if (n is < 2 or > 16384) throw new CondenseException($"bench kmeans: --n must be in 2..16384, got {n}");
        if (repeat is < 1 or > 100) throw new CondenseException($"bench kmeans: --repeat must be in 1..100, got {repeat}");
        if (exact is not ("auto" or "on" or "off")) throw new CondenseException($"bench kmeans: --exact must be auto, on or off, got '{exact}'");
        if (bits.Count == 0 || bits.Any(b => b is < 1 or > 16)) throw new CondenseException("bench kmeans: --bits must name bits in 1..16");
        (N, Bits, Exact, Repeat, Seed, Peers) = (n, bits, exact, repeat, seed, peers);
    }

    /// <summary>Matrix side: W is n×n.</summary>
    public int N { get; }

    /// <summary>Bit widths to run, in order.</summary>
    public IReadOnlyList<int> Bits { get; }

    /// <summary>auto, on or off.</summary>
    public string Exact { get; }

    /// <summary>Runs per setting; the best time is reported.</summary>
    public int Repeat { get; }

    /// <summary>Seed of W.</summary>
    public int Seed { get; }

    /// <summary>Whether scikit-learn runs live beside Condense.</summary>
    public bool Peers { get; }

    /// <summary>Whether the exact solver runs: on, or auto when n² ≤ 4.2e6 (n ≤ 2048).</summary>
    public bool RunsExact => Exact == "on" || (Exact == "auto" && (double)N * N <= 4.2e6);
}
