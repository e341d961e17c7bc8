using System.Text.Json;
using System.Text.Json.Nodes;
using Condense.Cli;
using Condense.Cli.Bench;
using Condense.Workflows.Bench;

namespace Condense.Tests.Cli;

/// <summary>
/// <c>bench all</c> reads typed reports, not JSON by string key: which suites are converted, that their
/// reports keep the keys the commands printed before, and that the workflows they call give known answers.
/// </summary>
public class BenchSuiteReportTests
{
    /// <summary>
    /// The suites whose figures still read a child's JSON by string key. The list may only shrink:
    /// converting a suite means giving it a typed report (<see cref="BenchSuite.Typed{TReport}"/>) and
    /// taking it off here; adding a string-keyed suite fails this test.
    /// </summary>
    static readonly string[] StillReadByStringKey =
        ["image", "image-process", "lowrank", "scale", "studio", "cnn", "cnn-tricks", "multihash", "runtime", "study-vd", "study-agp", "study-skeleton", "study-scratch", "distill-data-free"];

    [Fact]
    public void NoSuiteButTheListedOnesReadsJsonByStringKey()
    {
        foreach (var peers in new[] { false, true })
        {
            var suites = BenchSuites.All(peers);
            Assert.Equal(StillReadByStringKey, suites.Where(s => s.Report is null).Select(s => s.Name));
            // A typed suite runs its workflow in this process unless its figure is the whole process's (peak memory).
            Assert.Equal(["calibrate-memory", "analyze-resnet18"], suites.Where(s => s.Report is not null && s.InProcess is null).Select(s => s.Name));
            // Only a suite with live peers has a second, peerless in-process run.
            Assert.Equal(peers ? new[] { "kmeans" } : Array.Empty<string>(), suites.Where(s => s.InProcessWithoutPeers is not null).Select(s => s.Name));
        }
    }

    [Fact]
    public void KMeansReportKeepsTheCommandsKeysAndLeavesOutWhatDidNotRun()
    {
        var row = new KMeansBenchRow(2, 4, 0.1, 0.05, 294.36, "HistogramDpLloyd", 43) with { SklearnQuotedS = 0.275, SklearnQuotedSse = 295, OptimalQuotedSse = 294.6 };
        var report = new KMeansBenchReport(1000, 1_000_000, "normal(0, 0.05)", 0, null, null, null, 1, "quoted from issue 4", [row]);
        var json = JsonNode.Parse(JsonSerializer.Serialize(report, CliConsole.SnakeJson))!;
        Assert.Equal(["bench", "n", "weights", "distribution", "seed", "cond1", "cond1_s", "cond1_cpu_s", "repeat", "peers", "runs"], json.AsObject().Select(p => p.Key));
        Assert.Equal(["bits", "k", "fast_s", "fast_cpu_s", "fast_sse", "fast_method", "fast_iterations", "sklearn_quoted_s", "sklearn_quoted_sse", "optimal_quoted_sse"],
            json["runs"]![0]!.AsObject().Select(p => p.Key));
        var back = BenchSuite.Read<KMeansBenchReport>(json);
        Assert.Equal(row, back.Runs[0]);
        Assert.Equal(BenchModelFigures.KMeans(report), BenchSuites.All(false).Single(s => s.Name == "kmeans").Figures(json));
    }

    [Fact]
    public void KMeansBenchFindsTheOptimumAtOrBelowTheFastSse()
    {
        var report = KMeansBench.Run(new KMeansBenchRequest(64, [2, 3], "on", repeat: 1, seed: 0, peers: false), peer: null);
        Assert.Equal("none", report.Peers);   // no quoted figures at n = 64
        Assert.NotNull(report.Cond1);
        Assert.All(report.Runs, r =>
        {
            Assert.Equal(1 << r.Bits, r.K);
            Assert.True(r.ExactSse <= r.FastSse * (1 + 1e-12), $"{r.Bits} bits: exact {r.ExactSse} > fast {r.FastSse}");
            Assert.True(r.FastGapPercent >= -1e-9);
            Assert.Null(r.SklearnQuotedS);
        });
        Assert.Throws<Condense.CondenseException>(() => new KMeansBenchRequest(64, [2], "sometimes", 1, 0, false));
    }
}
