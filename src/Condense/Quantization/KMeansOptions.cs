namespace Condense.Quantization;

/// <summary>
/// Settings for <see cref="KMeans1D"/>. Validated on construction; bad values throw
/// <see cref="CondenseException"/> quoting the value.
/// </summary>
public sealed record KMeansOptions
{
    /// <summary>Creates options for <paramref name="clusters"/> centroids.</summary>
    public KMeansOptions(int clusters, CentroidInit init = CentroidInit.Auto)
    {
        if (clusters < 1 || clusters > 65536)
            throw new CondenseException($"k-means: clusters must be in 1..65536, got {clusters}");
        Clusters = clusters;
        Init = init;
    }

    /// <summary>Number of centroids k, 1..65536 (2^bits for weight sharing).</summary>
    public int Clusters { get; }

    /// <summary>Initialisation (and for <see cref="CentroidInit.Exact"/> the whole method). Default <see cref="CentroidInit.Auto"/>.</summary>
    public CentroidInit Init { get; init; }

    /// <summary>
    /// Lloyd iterations at most, 1..100 000; default 1000. Each iteration costs only O(k·log n)
    /// on sorted data with prefix sums, so a generous cap is cheap; Lloyd stops earlier when no
    /// boundary moves.
    /// </summary>
    public int MaxIterations
    {
        get => _maxIterations;
        init => _maxIterations = value is >= 1 and <= 100_000 ? value
            : throw new CondenseException($"k-means: max iterations must be in 1..100000, got {value}");
    }
    int _maxIterations = 1000;

    /// <summary>Seed for <see cref="CentroidInit.KMeansPlusPlus"/> (the only random choice). Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Histogram bins for the <see cref="CentroidInit.Auto"/> fast path, 0 = automatic
    /// (32·k clamped to 2048..65536) or 16..1 000 000. More bins: closer to the optimum, slower DP
    /// (O(k·B·log B)).
    /// </summary>
    public int HistogramBins
    {
        get => _bins;
        init => _bins = value == 0 || value is >= 16 and <= 1_000_000 ? value
            : throw new CondenseException($"k-means: histogram bins must be 0 (auto) or 16..1000000, got {value}");
    }
    int _bins;

    /// <summary>
    /// <see cref="CentroidInit.Auto"/> runs the exact DP when k × (distinct values) is at most this
    /// (default 2^20: e.g. 4096 distinct weights at 8 bits, 262 144 at 2 bits); otherwise the
    /// histogram fast path. 0 never chooses exact.
    /// </summary>
    public long ExactBudget
    {
        get => _exactBudget;
        init => _exactBudget = value >= 0 ? value
            : throw new CondenseException($"k-means: exact budget must be ≥ 0, got {value}");
    }
    long _exactBudget = 1L << 20;
}
