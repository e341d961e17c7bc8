namespace Condense.LowRank;

/// <summary>
/// One rank of a layer sweep: the layer's weight W replaced by its rank-r approximation, and what
/// that costs. <see cref="Compresses"/> is false when r ≥ mn/(m + n) (the two factors are no smaller than W).
/// </summary>
public sealed record RankSweepPoint(
    int Rank,
    long Parameters,
    double CompressionRatio,
    bool Compresses,
    double EnergyKept,
    double RelativeSpectralError,
    double RelativeFrobeniusError,
    double? TestAccuracy,
    double TestLoss);
