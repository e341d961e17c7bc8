using Condense.Planning;

namespace Condense.Tests.Planning;

public class PlannerTests
{
    /// <summary>Three layers with different sensitivities: fc1 big and robust, fc2 medium, fc3 tiny and fragile.</summary>
    static SensitivityReport Report()
    {
        var random = new Random(3);
        var candidates = new List<LayerCandidate>();
        var layers = new (string Name, long Weights, double Fragility)[] { ("fc1", 784_000, 0.2), ("fc2", 1_000_000, 1), ("fc3", 10_000, 8) };
        foreach (var (name, weights, fragility) in layers)
        foreach (var s in LayerSetting.DefaultGrid)
        {
            var bytes = (long)(weights * (1 - s.Sparsity) * (s.Bits + 3) / 8) + 400;
            var drop = fragility * (Math.Pow(2, -s.Bits) + s.Sparsity * s.Sparsity * s.Sparsity) * (1 + 0.1 * random.NextDouble()) / 10;
            candidates.Add(new LayerCandidate(name, s, bytes, drop, drop * 50, drop));
        }
        return new SensitivityReport(0.98, candidates, 120, 1);
    }

    [Fact]
    public void PlanIsTheBruteForceOptimumUnderTheBudget()
    {
        var report = Report();
        const long budget = 180_000;
        var plan = CompressionPlanner.Plan(report, budget);
        var groups = report.Candidates.GroupBy(c => c.Layer).Select(g => g.ToArray()).ToArray();
        var best = double.PositiveInfinity;
        foreach (var a in groups[0])
        foreach (var b in groups[1])
        foreach (var c in groups[2])
        {
            if (report.OverheadBytes + a.Bytes + b.Bytes + c.Bytes <= budget)
                best = Math.Min(best, a.AccuracyDrop + b.AccuracyDrop + c.AccuracyDrop);
        }
        Assert.Equal(best, plan.PredictedDrop, 12);
        Assert.True(plan.PredictedBytes <= budget);
        Assert.Equal(report.OverheadBytes + plan.Layers.Sum(l => l.Bytes), plan.PredictedBytes);
        // The planner spends bytes on the fragile layer; a uniform setting cannot, so it loses more.
        var uniform = CompressionPlanner.Uniform(report, budget);
        Assert.True(uniform.PredictedBytes <= budget);
        Assert.True(plan.PredictedDrop < uniform.PredictedDrop);
        Assert.Single(uniform.Layers.Select(l => l.Setting).Distinct());
    }

    [Fact]
    public void AnUnreachableBudgetSaysWhatIsReachable()
    {
        var report = Report();
        var smallest = CompressionPlanner.SmallestReachable(report);
        var ex = Assert.Throws<CondenseException>(() => CompressionPlanner.Plan(report, smallest - 1));
        Assert.Contains($"smallest reachable is {smallest:N0} bytes", ex.Message);
        Assert.Equal(smallest, CompressionPlanner.Plan(report, smallest).PredictedBytes);
    }

    [Theory]
    [InlineData("50KB", 50_000)]
    [InlineData("50 KiB", 51_200)]
    [InlineData("1.5MB", 1_500_000)]
    [InlineData("2048", 2048)]
    public void SizesParse(string text, long bytes) => Assert.Equal(bytes, SizeBudget.ParseSize(text).Bytes);

    [Theory]
    [InlineData("-5KB")]
    [InlineData("lots")]
    public void BadSizesAreRefused(string text) => Assert.Throws<CondenseException>(() => SizeBudget.ParseSize(text));

    [Fact]
    public void RatioBudgetsDivideTheDenseSize()
    {
        Assert.Equal(26_661, SizeBudget.FromTimesSmaller(40).BytesFor(1_066_440));
        Assert.Throws<CondenseException>(() => SizeBudget.FromTimesSmaller(1));
    }

    [Fact]
    public void SpearmanIsOneForMonotoneAndMinusOneForReversed()
    {
        double[] x = [1, 2, 3, 4, 10];
        Assert.Equal(1, SensitivityAnalysis.Spearman(x, [2, 4, 8, 16, 17]), 12);
        Assert.Equal(-1, SensitivityAnalysis.Spearman(x, [5, 4, 3, 2, 1]), 12);
        Assert.Equal(0.9, SensitivityAnalysis.Spearman(x, [1, 3, 2, 4, 5]), 12); // 1 − 6·Σd²/(n(n²−1)) = 1 − 12/120
    }

    [Fact]
    public void PlanCommandRefusesAMissingOrDoubleTargetInOneLine()
    {
        var (code, _, err) = CliHarness.Run("plan", "model.safetensors");
        Assert.Equal(1, code);
        Assert.Equal("condense: error: plan: give exactly one of --target-size and --target-times-smaller", err.Trim());
        (code, _, err) = CliHarness.Run("plan", "model.safetensors", "--target-times-smaller", "0.5");
        Assert.Equal(1, code);
        Assert.Equal("condense: error: --target-times-smaller must be greater than 1, got 0.5", err.Trim());
    }
}
