using System.Text.Json;
using System.Text.Json.Nodes;
using Condense.Cli;
using Condense.Cli.Bench;
using Condense.LowRank;
using Condense.Pruning;
using Condense.Workflows;
using Condense.Workflows.Bench;
using Condense.Workflows.Cnn;
using Condense.Workflows.Distill;
using Condense.Workflows.Survey;

namespace Condense.Tests.Cli;

/// <summary>
/// <c>bench all</c> reads typed reports, not JSON by string key: which suites are converted, that their
/// reports keep the keys the commands printed before, and that the workflows they call give known answers.
/// </summary>
public class BenchSuiteReportTests
{
    /// <summary>
    /// The suites whose figures still read a child's JSON by string key: none since issue 22's last
    /// conversions (cnn, cnn-tricks, runtime, the four studies, distill-data-free). A new suite needs a
    /// typed report (<see cref="BenchSuite.Typed{TReport}"/>); adding a string-keyed one fails this test.
    /// </summary>
    static readonly string[] StillReadByStringKey =
        [];

    [Fact]
    public void NoSuiteButTheListedOnesReadsJsonByStringKey()
    {
        foreach (var peers in new[] { false, true })
        {
            var suites = BenchSuites.All(peers);
            Assert.Equal(StillReadByStringKey, suites.Where(s => s.Report is null).Select(s => s.Name));
            // A typed suite runs its workflow in this process unless a figure is the whole process's (peak memory, ONNX Runtime's session memory).
            Assert.Equal(["scale", "runtime", "calibrate-memory", "analyze-resnet18"], suites.Where(s => s.Report is not null && s.InProcess is null).Select(s => s.Name));
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

    static JsonNode Json<T>(T report) => JsonNode.Parse(JsonSerializer.Serialize(report, CliConsole.SnakeJson))!;

    static IReadOnlyList<string> Keys(JsonNode? node) => node!.AsObject().Select(p => p.Key).ToList();

    [Fact]
    public void CnnTrickReportKeepsTheKeysStudyCnnPrintedAndItsRequestIsTheSuitesCommandLine()
    {
        var report = new CnnStudyReport
        {
            DataSet = "mnist10k", TrainCount = 8000, TestCount = 2000, BaselineEpochSeconds = 12.5,
            Variants = [new("baseline", "8,M", 10, 1000, 0.95, 0.95, 10.0, null), new("groups4", "8,M", 6, 400, 0.93, 0.93, 6.0, null)],
            Groups = [new("groups4", 300, 100)], ReorderedFusion = "refused",
            Autoencoders = [new("autoencoder-convtranspose", 50, 400, 0.02, 0.02, 2e-7, 5.0, null), new("autoencoder-bilinear", 60, 600, 0.01, 0.01, 3e-5, 6.0, null)],
        };
        var json = Json(report);
        Assert.Equal(["name", "config", "parameters", "macs", "accuracy", "ort_accuracy", "ort_milliseconds", "file"], Keys(json["variants"]![0]));
        Assert.Equal(["variant", "before", "after"], Keys(json["groups"]![0]));
        Assert.Equal(["name", "parameters", "macs", "mse", "ort_mse", "ort_max_difference", "ort_milliseconds", "file"], Keys(json["autoencoders"]![0]));
        var back = BenchSuite.Read<CnnStudyReport>(json);
        Assert.Equal(report.Variants, back.Variants);
        var figures = BenchSuites.All(false).Single(s => s.Name == "cnn-tricks").Figures(json);
        Assert.Equal(BenchCnnTrickFigures.Figures(report), figures);
        Assert.StartsWith("3.0× fewer replaced params, 0.40× MACs, 0.60× ORT ms", figures[0].Target);
        Assert.Equal([null, null, true], figures.Select(f => f.Met));   // group conv and autoencoder MSE report; 3e-5 ≤ 1e-4
        // The request the suite runs in process is the one its command line builds.
        var r = BenchCnnTrickFigures.Request;
        var args = BenchCnnTrickFigures.Arguments;
        string Arg(string name) => args[Array.IndexOf(args, name) + 1];
        Assert.Equal((Arg("--data"), Arg("--config"), int.Parse(Arg("--epochs")), int.Parse(Arg("--batch-size")), double.Parse(Arg("--lr"), System.Globalization.CultureInfo.InvariantCulture), Arg("--groups")),
            (r.DataSet, r.Config, r.Epochs, r.BatchSize, r.LearningRate, string.Join(",", r.Groups)));
        Assert.Equal(Arg("--stages").Split(',').Order(), r.Stages.Order());
        Assert.Equal((0, 0, 2, 0.7, 0), (r.TrainCount, r.TestCount, r.FineTuneEpochs, r.SlimFraction, r.Seed));   // the command's defaults
    }

    [Fact]
    public void SurveyStudyReportKeepsTheKeysTheStudyCommandsPrinted()
    {
        var result = new SurveyStudyResult("variational-dropout", "LeNet300", "mnist10k", 0.9535, 25,
            [new("variational-dropout", 0.9654, 0.9525, 0.0346, "784-300-100-10", 25)], ["acceptance: met"], 60);
        var report = new SurveyStudyReport(result, "/tmp/vd/vd.json", ["/tmp/vd/vd-variational-dropout-97.csparse"]);
        var json = Json(report);
        Assert.Equal(["result", "json", "models"], Keys(json));
        Assert.Equal(["study", "model", "data", "dense_accuracy", "dense_epochs", "points", "findings", "seconds"], Keys(json["result"]));
        Assert.Equal(["method", "sparsity", "accuracy", "kept_share", "architecture", "epochs"], Keys(json["result"]!["points"]![0]));
        Assert.Equal(result.Points, BenchSuite.Read<SurveyStudyReport>(json).Result.Points);
        var figure = Assert.Single(BenchSuites.All(false).Single(s => s.Name == "study-vd").Figures(json));
        Assert.Equal("96.54 % / 0.10 points", figure.Condense);
        Assert.True(figure.Met);   // ≥ 95 % removed, ≤ 0.5 points lost
        Assert.All(BenchSuites.All(false).Where(s => s.Name.StartsWith("study-", StringComparison.Ordinal)), s => Assert.Equal(typeof(SurveyStudyReport), s.Report));
    }

    [Fact]
    public void SurveyStudyRequestTakesEachStudysDefaultsAndTheQuickRun()
    {
        // What bench all's study-vd runs: study vd --epochs 5 --vd-epochs 20 --kl-anneal-epochs 5 --kl-weight 0.5.
        var vd = new SurveyStudyRequest { Study = "vd", OutputFolder = "x", Epochs = 5, VdEpochs = 20, KlAnnealEpochs = 5, KlWeight = 0.5 };
        var o = vd.Options();
        var v = vd.VariationalDropout();
        Assert.Equal((5, 5, 0.95, (int?)null), (o.Training.Epochs, o.FineTuning.Epochs, Assert.Single(o.Sparsities), o.TrainLimit));
        Assert.Equal((20, 5, 0.5, 3.0, 1.0, VariationalGroups.Weights), (v.Training.Epochs, v.KlAnnealEpochs, v.KlWeight, v.Threshold, v.LogSigma2RateScale, v.Groups));
        Assert.Null(v.FineTuning);
        var quick = new SurveyStudyRequest { Study = "scratch", OutputFolder = "x", Quick = true };
        Assert.Equal((3, 2, 2000), (quick.Options().Training.Epochs, quick.Options().FineTuning.Epochs, quick.Options().TrainLimit));
        Assert.Equal([0.5, 0.8, 0.9], quick.Options().Sparsities);
        Assert.Equal((15, 3), (quick.VariationalDropout().Training.Epochs, quick.VariationalDropout().KlAnnealEpochs));
        var neurons = new SurveyStudyRequest { Study = "vd", OutputFolder = "x", VdNeuronGroups = true, VdFineTuneEpochs = 3 }.VariationalDropout();
        Assert.Equal((10.0, GroupVariationalDropout.InitialLogSigma2, 3), (neurons.LogSigma2RateScale, neurons.InitialLogSigma2, neurons.FineTuning!.Epochs));
        Assert.Equal([0.9], new SurveyStudyRequest { Study = "agp", OutputFolder = "x" }.Options().Sparsities);
        Assert.Throws<CondenseException>(() => new SurveyStudyRequest { Study = "lottery", OutputFolder = "x" });
        Assert.Throws<CondenseException>(() => new SurveyStudyRequest { Study = "vd", OutputFolder = "x", VdEpochs = 4, KlAnnealEpochs = 5 }.VariationalDropout());
    }

    [Fact]
    public void SurveyStudyWorkflowWritesOneModelFilePerPointThatEvalCanRead()
    {
        var folder = Path.Combine(Path.GetTempPath(), "condense-test-survey-" + Guid.NewGuid().ToString("N"));
        try
        {
            var report = SurveyStudyWorkflow.Run(new SurveyStudyRequest { Study = "agp", OutputFolder = folder, TrainLimit = 256, Epochs = 1, FineTuneEpochs = 1 });
            Assert.Equal(Path.Combine(folder, "agp.json"), report.Json);
            Assert.Equal(report.Result.Points.Count, report.Models.Count);
            Assert.All(report.Models, f => Assert.True(File.Exists(f), f));
            // AGP and one-shot at 90 %: the sparse file keeps a tenth of the weights (± rounding of each layer).
            var agp = report.Result.Points.First(p => p.Method == "agp");
            Assert.Equal(0.1, agp.KeptShare, 2);
            var file = report.Models[report.Result.Points.ToList().IndexOf(agp)];
            Assert.EndsWith(".csparse", file);
            using var model = Condense.Workflows.ModelFiles.Load(file, Condense.Workflows.ModelFileFormat.Csparse).Model;
            Assert.Equal([784, 300, 100, 10], ((Condense.Models.MlpModel)model).Sizes);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void DataFreeReportKeepsTheKeysDistillDataFreePrinted()
    {
        var curve = new Condense.Distillation.DataFreeCheckpoint(40, 0.61, 0.2, 0.3, [10, 10]);
        var report = new DataFreeDistillationReport("mnist10k", "784-100-10", 79510, 0.9615,
            new DataFreeStudentReport(0.9121, "adversarial", 400, 256, 5, 120.5, [curve], null), 0.9302, 0.9105, 1, 8000);
        var json = Json(report);
        Assert.Equal(["data", "student", "student_parameters", "teacher_accuracy", "data_free", "distilled_with_data", "trained_alone", "epochs", "training_images"], Keys(json));
        Assert.Equal(["accuracy", "recipe", "steps", "batch", "student_steps", "seconds", "curve", "output"], Keys(json["data_free"]));
        Assert.Equal(["step", "student_accuracy", "generator_loss", "student_loss", "teacher_class_counts"], Keys(json["data_free"]!["curve"]![0]));
        Assert.Equal(report.DataFree.Accuracy, BenchSuite.Read<DataFreeDistillationReport>(json).DataFree.Accuracy);
        var figure = Assert.Single(BenchSuites.All(false).Single(s => s.Name == "distill-data-free").Figures(json));
        Assert.Equal("91.21 % (same run: 93.02 % distilled with data, 91.05 % alone, 1 epoch each)", figure.Condense);
        Assert.True(figure.Met);   // ≥ 90 %
        Assert.False(Assert.Single(Condense.Cli.Bench.BenchSurveyFigures.Suites.Single(s => s.Name == "distill-data-free")
            .Figures(Json(report with { DataFree = report.DataFree with { Accuracy = 0.85 } }))).Met);
    }

    [Fact]
    public void CnnReportKeepsTheKeysBenchCnnPrintedAndTheBenchGivesThePeerWhatItRan()
    {
        var report = new CnnBenchReport("cnn", 60000, 128, "64,M", 2, 110.0, 100.0, "1.13.1", 1.1, "3.5");
        var json = Json(report);
        Assert.Equal(["bench", "samples", "batch", "config", "threads", "condense_epoch_s", "pytorch_epoch_s", "pytorch_version", "ratio_to_pytorch", "load_average"], Keys(json));
        Assert.Equal(report, BenchSuite.Read<CnnBenchReport>(json));
        var figure = Assert.Single(BenchSuites.All(false).Single(s => s.Name == "cnn").Figures(json));
        Assert.Equal(BenchModelFigures.Cnn(report).Single(), figure);
        Assert.True(figure.Met);   // 1.1× ≤ 1.2×
        // A tiny epoch: the peer is asked for the samples, batch, threads and configuration Condense ran, and the ratio is Condense's over its seconds.
        CnnBenchReport? asked = null;
        var tiny = CnnBench.Run(new CnnBenchRequest(24, 8, "4,M"), r => { asked = r; return new CnnPeerRun(2 * r.CondenseEpochS, "fake"); }, () => "0.5");
        Assert.Equal((24, 8, "4,M", TorchSharp.torch.get_num_threads()), (asked!.Samples, asked.Batch, asked.Config, asked.Threads));
        Assert.Equal(0.5, tiny.RatioToPytorch!.Value, 12);
        Assert.Equal(("fake", "0.5"), (tiny.PytorchVersion, tiny.LoadAverage));
        Assert.Null(CnnBench.Run(new CnnBenchRequest(8, 8, "4,M", Peer: false), _ => throw new InvalidOperationException("no peer asked for"), () => null).PytorchEpochS);
        Assert.Throws<CondenseException>(() => new CnnBenchRequest(0));
        Assert.Throws<CondenseException>(() => new CnnBenchRequest(1) with { Samples = -5 });
    }

    [Fact]
    public void RuntimeReportKeepsTheKeysBenchRuntimePrintedAndReadsThePeersLine()
    {
        var peer = System.Text.Json.JsonSerializer.Deserialize<RuntimePeerReport>(
            """{"torch": "1.13.1", "torchvision": "0.14.1", "engine": "fbgemm", "threads1": {"fp32_ms": 30.0, "int8_ms": 12.0, "ratio": 0.4}, "threads2": {"fp32_ms": 18.0, "int8_ms": 8.0, "ratio": 0.444}}""",
            CliConsole.SnakeJson)!;
        Assert.Equal((12.0, 8.0, "fbgemm"), (peer.Threads1!.Int8Ms, peer.Threads2!.Int8Ms, peer.Engine));
        static Condense.Runtime.SessionMeasurement M(int threads, double ms, long bytes) => new(threads, 1, ms, 20, bytes);
        RuntimeBenchRow Row(string model, string variant, double ms, long bytes, double? cosine, double? accuracy = null) =>
            new(model, variant, 1000, M(1, ms, bytes), M(2, ms / 2, bytes), cosine, accuracy, "Conv ×20");
        var report = RuntimeBenchReport.Of(
        [
            Row("resnet18", "fp32", 20, 100, 1), Row("resnet18", "int8-static", 10, 60, 0.998),
            Row("minilm", "fp32", 10, 1000, 1), Row("minilm", "int8-dynamic", 5, 500, 0.995), Row("minilm", "nbits4", 9, 300, 0.985),
            Row("classifier", "fp32", 0.2, 10, null, 98.0), Row("classifier", "int8-static", 0.1, 5, null, 97.8),
        ], peer, "live", "1.00 2.00 3.00");
        var json = Json(report);
        Assert.Equal(["bench", "load_average", "rows", "pytorch", "pytorch_note"], Keys(json));
        Assert.Equal(["model", "variant", "bytes", "ms_1t", "ms_2t", "session_bytes", "cosine", "accuracy", "runtime_ops"], Keys(json["rows"]![0]));
        Assert.Equal(["torch", "torchvision", "engine", "threads1", "threads2"], Keys(json["pytorch"]));
        Assert.Equal(["fp32_ms", "int8_ms", "ratio"], Keys(json["pytorch"]!["threads1"]));
        Assert.Equal(10.0, json["rows"]![1]!["ms_1t"]!.GetValue<double>());
        var figures = BenchSuites.All(false).Single(s => s.Name == "runtime").Figures(json);
        Assert.Equal(BenchRuntimeFigures.Figures(report), figures);
        Assert.Equal("10.0 (0.50×)", figures[0].Condense);
        Assert.Equal("12.0 PyTorch int8 (live)", figures[0].Peer);
        // 0.5× fp32 ≤ 0.55× and 10 ≤ 1.1 × 12; 2 threads 0.5×; cosine 0.998; MiniLM 0.5×, 0.995; 4-bit 0.30× memory, 0.90× latency, 0.985; classifier 0.2 points, 0.5×
        Assert.Equal([true, true, true, true, true, true, null], figures.Select(f => f.Met));
        Assert.Equal("0.30×, 0.90× (0.9850)", figures[4].Condense);
        Assert.Equal("1.00 2.00 3.00", figures[6].Condense);
        var alone = BenchRuntimeFigures.Figures(report with { Pytorch = null, PytorchNote = "skipped (--no-peer)" });
        Assert.Equal("– (skipped (--no-peer))", alone[0].Peer);
    }
}
