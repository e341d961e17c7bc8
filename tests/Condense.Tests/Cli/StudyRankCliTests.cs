using System.Text.Json;

namespace Condense.Tests.Cli;

public class StudyRankCliTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-study-rank-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    [Trait("Category", "Slow")]
    public void QuickStudyReportsEveryRecipeTheSweepAndTheFactorizedComparison()
    {
        var plot = Path.Combine(_dir, "rank.png");
        var (code, stdout, stderr) = CliHarness.Run("study", "rank", "--epochs", "1", "--train-items", "1000",
            "--sweep-ranks", "10,1000", "--factorized-rank", "20", "--plot", plot, "--json");
        Assert.True(code == 0, stderr);
        var report = JsonDocument.Parse(stdout).RootElement.GetProperty("reports")[0];
        Assert.Equal("mnist10k", report.GetProperty("data").GetString());
        var runs = report.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal(new[] { "baseline", "L2", "L1" }, runs.Select(r => r.GetProperty("name").GetString()));
        foreach (var run in runs)
        {
            Assert.InRange(run.GetProperty("effective_rank").GetDouble(), 1, 1000);
            Assert.Single(run.GetProperty("epochs").EnumerateArray());
        }
        var sweep = report.GetProperty("baseline_sweep");
        var points = sweep.GetProperty("points").EnumerateArray().ToArray();
        // Rank 1000 is W itself: the accuracy of the full model.
        Assert.Equal(sweep.GetProperty("full_accuracy").GetDouble(), points[1].GetProperty("test_accuracy").GetDouble(), 3);
        Assert.InRange(sweep.GetProperty("smallest_rank_within_half_point").GetInt32(), 10, 1000);
        var factorized = report.GetProperty("factorized");
        Assert.Equal(20 * 2000 + 1000, factorized.GetProperty("fc2_parameters").GetInt64());
        Assert.InRange(factorized.GetProperty("factorized_accuracy").GetDouble(), 0.5, 1);
        foreach (var png in new[] { plot, Path.Combine(_dir, "rank-accuracy.png"), Path.Combine(_dir, "rank-spectrum.png") })
            Assert.True(File.Exists(png), png);
    }

    [Fact]
    public void UnknownRecipeIsRejected()
    {
        var (code, _, stderr) = CliHarness.Run("study", "rank", "--recipes", "L3");
        Assert.Equal(1, code);
        Assert.Contains("unknown recipe 'L3'", stderr);
    }
}
