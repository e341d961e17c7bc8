namespace Condense.LowRank;

/// <summary>
/// The low-rank + sparse row of a rank sweep: the layer's weight replaced by L + S (rank r, s entries
/// in S) and what that costs. <see cref="Parameters"/> is r(m + n) + s; <see cref="StorageBytes"/> adds
/// an int32 index per entry of S; <see cref="CompactStorageBytes"/> stores those indices as Deep
/// Compression relative gaps instead (see <see cref="LowRankPlusSparseResult"/>). <see cref="Compresses"/>
/// is false when <see cref="StorageBytes"/> is not below the dense layer's. <see cref="EqualStorageRank"/>
/// is the largest plain rank whose factors fit in <see cref="StorageBytes"/> (the same bytes spent on
/// rank instead of on S), with that truncated SVD's exact errors beside it: the comparison that says
/// whether S was worth its bytes.
/// </summary>
public sealed record LowRankPlusSparsePoint(
    long SparseCount,
    long Parameters,
    long StorageBytes,
    double TimesSmaller,
    long CompactStorageBytes,
    double CompactTimesSmaller,
    bool Compresses,
    double RelativeSpectralError,
    double RelativeFrobeniusError,
    int Iterations,
    bool Converged,
    double? TestAccuracy,
    double TestLoss,
    int EqualStorageRank,
    double EqualStorageRelativeSpectralError,
    double EqualStorageRelativeFrobeniusError);
