namespace Condense.LowRank;

/// <summary>
/// One rank of a layer sweep: the layer's weight W replaced by its rank-r approximation, and what
/// that costs. <see cref="Compresses"/> is false when r ≥ mn/(m + n) (the two factors are no smaller than W).
/// <see cref="PlusSparse"/> is the same rank with a sparse part beside the factors (W ≈ L + S), when the sweep asked for one.
/// </summary>
public sealed record RankSweepPoint(
    int Rank,
    long Parameters,
    double TimesSmaller,
    bool Compresses,
    double EnergyKept,
    double RelativeSpectralError,
    double RelativeFrobeniusError,
    double? TestAccuracy,
    double TestLoss,
    LowRankPlusSparsePoint? PlusSparse = null);
