namespace Condense.LowRank;

/// <summary>A layer's rank sweep: the full model's test score, the layer's spectrum, and one point per rank (with an L + S row beside each when <see cref="PlusSparse"/> is set).</summary>
public sealed record RankSweepResult(
    string Layer,
    long Rows,
    long Columns,
    string Method,
    SparseBudget? PlusSparse,
    double? FullAccuracy,
    double FullLoss,
    double EffectiveRank,
    double BreakEvenRank,
    IReadOnlyList<double> SingularValues,
    IReadOnlyList<RankSweepPoint> Points)
{
    /// <summary>The smallest rank whose accuracy is within <paramref name="points"/> percentage points of the full model's; null if none.</summary>
    public int? SmallestRankWithin(double points) =>
        FullAccuracy is { } full
            ? Points.Where(p => p.TestAccuracy is { } a && a >= full - points / 100).Select(p => (int?)p.Rank).Min()
            : null;
}
