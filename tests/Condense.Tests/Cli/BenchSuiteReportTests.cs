using System.Text.Json;
using System.Text.Json.Nodes;
using Condense.Cli;
using Condense.Cli.Bench;
using Condense.LowRank;
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
        ["cnn", "cnn-tricks", "runtime", "study-vd", "study-agp", "study-skeleton", "study-scratch", "distill-data-free"];

    [Fact]
    public void NoSuiteButTheListedOnesReadsJsonByStringKey()
    {
        foreach (var peers in new[] { false, true })
        {
            var suites = BenchSuites.All(peers);
            Assert.Equal(StillReadByStringKey, suites.Where(s => s.Report is null).Select(s => s.Name));
            // A typed suite runs its workflow in this process unless a figure is the whole process's (peak memory).
            Assert.Equal(["scale", "calibrate-memory", "analyze-resnet18"], suites.Where(s => s.Report is not null && s.InProcess is null).Select(s => s.Name));
            // Only a suite with live peers has a second, peerless in-process run.
            Assert.Equal(peers ? new[] { "kmeans", "image", "lowrank" } : Array.Empty<string>(), suites.Where(s => s.InProcessWithoutPeers is not null).Select(s => s.Name));
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

    [Fact]
    public void LowRankReportKeepsTheCommandsKeysAndJudgesAgainstTheQuotedPeer()
    {
        var row = new LowRankBenchRow("decay", 50, 0.012, 0.02, 0.1, 0.5, 0.0196) with
        {
            TorchSource = "issue", TorchSvdFullTimeS = 0.184, TorchLowrankTimeS = 0.009, TorchLowrankRelSpec = 0.0224, TimeRatio = 0.012 / 0.009, MeetsTarget = false,
        };
        var report = new LowRankBenchReport(1000, 2, "float32", "best of 3", 10, 2, "QR", "t", [row]);
        var json = JsonNode.Parse(JsonSerializer.Serialize(report, CliConsole.SnakeJson))!;
        Assert.Equal(["bench", "n", "threads", "dtype", "timing", "oversamples", "power_iterations", "normalizer", "target", "runs"], json.AsObject().Select(p => p.Key));
        Assert.Equal(["matrix", "r", "condense_time_s", "condense_rel_spec", "condense_rel_fro", "torchsharp_svd_full_time_s", "optimal_rel_spec",
            "torch_source", "torch_svd_full_time_s", "torch_lowrank_time_s", "torch_lowrank_rel_spec", "time_ratio", "meets_target"], json["runs"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal(row, BenchSuite.Read<LowRankBenchReport>(json).Runs[0]);
    }

    [Fact]
    public void LowRankBenchRunsAtTwoThreadsAndRestoresTheCallers()
    {
        var before = TorchSharp.torch.get_num_threads();
        var report = LowRankBench.Run(new LowRankBenchRequest(40, [4], reps: 1, new RandomizedSvdOptions(), peers: false), peer: null);
        Assert.Equal(before, TorchSharp.torch.get_num_threads());
        Assert.Equal(2, report.Threads);
        var rows = report.Runs;
        Assert.Equal(["decay", "gaussian"], rows.Select(r => r.Matrix));
        // A rank-r approximation cannot beat σ_{r+1}/σ_1 (Eckart–Young), and no torch figures exist for n = 40.
        Assert.All(rows, r => Assert.True(r.CondenseRelSpec >= r.OptimalRelSpec * (1 - 1e-3), $"{r.Matrix}: {r.CondenseRelSpec} < {r.OptimalRelSpec}"));
        Assert.All(rows, r => Assert.Null(r.TorchSource));
        Assert.Throws<Condense.CondenseException>(() => new LowRankBenchRequest(40, [41], 1, new RandomizedSvdOptions(), false));
    }

    [Fact]
    public void MultiHashReportKeepsTheKeysHashSweepPrinted()
    {
        var report = new MultiHashSweepReport(8, 1, 0, [new(1, "—", "shared", 33685, 7.91, 0.9065, 0.33, 14.3), new(2, "min", "separate", 33686, 7.91, 0.899, 0.35, 15.9)]);
        var json = JsonNode.Parse(JsonSerializer.Serialize(report, CliConsole.SnakeJson))!;
        Assert.Equal(["factor", "epochs", "seed", "rows"], json.AsObject().Select(p => p.Key));
        Assert.Equal(["hashes", "reduction", "buckets", "real_parameters", "compression_factor", "accuracy", "loss", "seconds"], json["rows"]![0]!.AsObject().Select(p => p.Key));
        var figures = BenchSuites.All(false).Single(s => s.Name == "multihash").Figures(json);
        Assert.Equal(BenchModelFigures.MultiHash(report), figures);
        Assert.StartsWith("-0.75 points", figures[1].Target);
    }

    [Fact]
    public void StudioFiguresReadThePageLatenciesTheCommandPrints()
    {
        IReadOnlyList<Condense.Studio.Bench.PageLatency> pages =
        [
            new("1 weight sharing", "bits", 20, 10, 40, 60, 80, 1500),
            new("5 colours", "colors", 20, 30, 120, 150, 200, 2500, Change: "image", Changes: 3, ChangeP95: 900, ChangeMax: 950),
        ];
        var json = JsonNode.Parse(JsonSerializer.Serialize(pages, CliConsole.SnakeJson))!;
        Assert.Equal("p95", json[0]!.AsObject().Select(p => p.Key).ElementAt(4));
        var figures = BenchSuites.All(false).Single(s => s.Name == "studio").Figures(json);
        Assert.Equal(Condense.Cli.Bench.BenchSystemFigures.Studio(pages), figures);
        Assert.Equal([true, false, true], figures.Select(f => f.Met));   // 40 < 100; 120 ≥ 100; change 900 < 1000
    }

    [Fact]
    public void ScaleReportKeepsTheKeysBenchScalePrintedAndJudgesTheTwoGbBound()
    {
        var row = new StreamReportRow("", "int8", 4, 0, 40, 36, 1_000_000_000, 1_000_000_000, 250_000_000, 0.25, 4, 2.5, 400, 190, 4.75, 210);
        var report = new ScaleBenchReport("/tmp/x", "F32", true, 3, 2, 1_500_000_000, [row]);
        var json = JsonNode.Parse(JsonSerializer.Serialize(report, CliConsole.SnakeJson))!;
        Assert.Equal(["bench", "model", "dtype", "generated", "generate_seconds", "workers", "peak_rss_bytes", "methods"], json.AsObject().Select(p => p.Key));
        Assert.Equal(["output", "method", "shards", "shards_skipped", "tensors", "tensors_compressed", "input_bytes", "processed_bytes", "output_bytes",
            "ratio", "times_smaller", "seconds", "mb_per_s", "cpu_percent", "cpu_seconds", "mb_per_cpu_s"], json["methods"]![0]!.AsObject().Select(p => p.Key));
        var figures = BenchSuites.All(false).Single(s => s.Name == "scale").Figures(json);
        Assert.Equal([true, true, true], figures.Select(f => f.Met));   // 400 ≥ 300 MB/s, 190 ≥ 180 %, 1,500 ≤ 2,000 MB
        Assert.Equal("1500", figures[2].Condense);
    }
}
