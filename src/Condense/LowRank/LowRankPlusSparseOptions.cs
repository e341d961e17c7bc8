using System.Globalization;

namespace Condense.LowRank;

/// <summary>
/// Settings of <see cref="LowRankPlusSparse"/> (GoDec). Validated on construction: bad values are
/// rejected, not clamped.
/// </summary>
public sealed record LowRankPlusSparseOptions
{
    /// <summary>
    /// Stop when ‖W − L − S‖_F changes by less than this fraction of itself in one iteration
    /// (default 1e-3, range (0, 1)). Each iteration costs one SVD; on a trained 1000×1000 layer the
    /// error falls by a few per cent in the first iterations and then by less than 0.1 % per
    /// iteration, which no longer moves test accuracy, so 1e-3 stops after tens of SVDs, not hundreds.
    /// Iteration also stops once the relative error is below 1e-12 (float64 rounding: the split is exact).
    /// </summary>
    public double Tolerance
    {
        get;
        init => field = value is > 0 and < 1 ? value
            : throw new CondenseException($"GoDec tolerance must be in (0, 1), got {value.ToString(CultureInfo.InvariantCulture)}");
    } = 1e-3;

    /// <summary>At most this many iterations (default 100, range 1–10000), each one SVD and one selection.</summary>
    public int MaxIterations
    {
        get;
        init => field = value is >= 1 and <= 10_000 ? value
            : throw new CondenseException($"GoDec iterations must be in [1, 10000], got {value}");
    } = 100;

    /// <summary>
    /// Null (default): the L-step is the exact truncated SVD, so the error can only fall. Set: the
    /// L-step is <see cref="RandomizedSvd"/> with these (seeded) settings, cheaper for r ≪ min(m, n);
    /// a sketched L-step is not optimal, so a step that would raise the error is rejected and the
    /// iteration stops there.
    /// </summary>
    public RandomizedSvdOptions? Randomized { get; init; }

    /// <summary>Tolerance 1e-3, at most 100 iterations, exact SVD.</summary>
    public static LowRankPlusSparseOptions Default { get; } = new();
}
