namespace Condense.Planning;

/// <summary>
/// Chooses one setting per layer so the container meets a byte budget with the least predicted
/// accuracy loss — a multiple-choice knapsack. Per-layer drops are assumed additive (they are
/// measured one layer at a time), and the search is exact under that assumption: layers are
/// combined one at a time keeping only the Pareto front of (bytes, predicted drop), which stays
/// small (tens of points) where brute force would be |grid|^layers.
/// </summary>
public static class CompressionPlanner
{
    /// <summary>Chooses one setting per layer from <paramref name="report"/> that fits <paramref name="budgetBytes"/> with the least predicted accuracy drop; a budget no setting meets is a <see cref="CondenseException"/> saying the smallest size reachable.</summary>
    public static CompressionPlan Plan(SensitivityReport report, long budgetBytes)
    {
        var front = new List<(long Bytes, double Drop, LayerCandidate[] Choice)> { (report.OverheadBytes, 0, []) };
        foreach (var group in report.Candidates.GroupBy(c => c.Layer))
        {
            var next = new List<(long, double, LayerCandidate[])>();
            foreach (var (bytes, drop, choice) in front)
            foreach (var c in group)
                if (bytes + c.Bytes <= budgetBytes) next.Add((bytes + c.Bytes, drop + c.AccuracyDrop, [.. choice, c]));
            front = Pareto(next);
            if (front.Count == 0) throw Unreachable(report, budgetBytes);
        }
        var best = front.MinBy(f => f.Drop);
        return new CompressionPlan("planned", best.Choice, best.Bytes, report.BaseAccuracy - best.Drop);
    }

    /// <summary>The best plan that uses the same setting for every layer (the baseline a planner must beat).</summary>
    public static CompressionPlan Uniform(SensitivityReport report, long budgetBytes)
    {
        var layers = report.Candidates.Select(c => c.Layer).Distinct().ToArray();
        CompressionPlan? best = null;
        foreach (var setting in report.Candidates.Select(c => c.Setting).Distinct())
        {
            var choice = layers.Select(l => report.Candidates.First(c => c.Layer == l && c.Setting == setting)).ToArray();
            var bytes = report.OverheadBytes + choice.Sum(c => c.Bytes);
            if (bytes > budgetBytes) continue;
            var plan = new CompressionPlan("uniform", choice, bytes, report.BaseAccuracy - choice.Sum(c => c.AccuracyDrop));
            if (best is null || plan.PredictedDrop < best.PredictedDrop) best = plan;
        }
        return best ?? throw Unreachable(report, budgetBytes, uniform: true);
    }

    /// <summary>The smallest container any combination of the grid reaches.</summary>
    public static long SmallestReachable(SensitivityReport report) =>
        report.OverheadBytes + report.Candidates.GroupBy(c => c.Layer).Sum(g => g.Min(c => c.Bytes));

    static CondenseException Unreachable(SensitivityReport report, long budget, bool uniform = false)
    {
        var smallest = uniform
            ? report.Candidates.Select(c => c.Setting).Distinct().Min(s => report.OverheadBytes + report.Candidates.Where(c => c.Setting == s).Sum(c => c.Bytes))
            : SmallestReachable(report);
        return new CondenseException($"a budget of {budget:N0} bytes cannot be met{(uniform ? " by a uniform setting" : "")}: the smallest reachable is {smallest:N0} bytes");
    }

    static List<(long Bytes, double Drop, LayerCandidate[] Choice)> Pareto(List<(long Bytes, double Drop, LayerCandidate[] Choice)> points)
    {
        var result = new List<(long, double, LayerCandidate[])>();
        var bestDrop = double.PositiveInfinity;
        foreach (var p in points.OrderBy(p => p.Bytes).ThenBy(p => p.Drop))
        {
            if (p.Drop < bestDrop) { result.Add(p); bestDrop = p.Drop; }
        }
        return result;
    }
}
