using Condense.Studio;
using Condense.Studio.Bench;
using Condense.Workflows;
using Condense.Workflows.Bench;
using Condense.Workflows.Cnn;

namespace Condense.Cli.Bench;

/// <summary>
/// What <c>condense bench all</c> runs: every bench subcommand at quick settings (minutes in all,
/// not hours), and for each the figures its issue asks for, with the target it sets. The order
/// and the lines are fixed, so two runs give tables of the same shape; a figure a run did not
/// produce is a line with "–" and no verdict rather than a missing line.
/// </summary>
public static class BenchSuites
{
    /// <summary>The suites in the order they run and print; <paramref name="peers"/> runs the Python peers live where a subcommand can.</summary>
    public static IReadOnlyList<BenchSuite> All(bool peers) =>
    [
        BenchSuite.Typed<TrainBenchReport>("train", ["bench", "train", "--epochs", "3", "--json"], BenchModelFigures.Train) with
        {
            InProcess = () => BenchModelFigures.Train(TrainBenchReport.Run(epochs: 3)),
        },
        BenchSuite.Typed<KMeansBenchReport>("kmeans", ["bench", "kmeans", "--bits", "2,4,6,8", "--exact", "on", "--repeat", "2", .. Peers(peers), "--json"], BenchModelFigures.KMeans) with
        {
            InProcess = () => BenchModelFigures.KMeans(KMeansPeer.Measure(new(1000, [2, 4, 6, 8], "on", repeat: 2, seed: 0, peers))),
            InProcessWithoutPeers = peers ? () => BenchModelFigures.KMeans(KMeansPeer.Measure(new(1000, [2, 4, 6, 8], "on", repeat: 2, seed: 0, peers: false))) : null,
        },
        BenchSuite.Typed<KMeansBenchReport>("kmeans-4096", ["bench", "kmeans", "--n", "4096", "--bits", "8", "--exact", "off", "--repeat", "1", "--json"], BenchModelFigures.KMeans4096) with
        {
            InProcess = () => BenchModelFigures.KMeans4096(KMeansPeer.Measure(new(4096, [8], "off", repeat: 1, seed: 0, peers: false))),
        },
        BenchSuite.Typed<ImageBenchReport>("image", ["bench", "image", "--images", "astronaut,chelsea-512", "--repeat", "3", .. Peers(peers), "--json"], BenchSystemFigures.Image) with
        {
            InProcess = () => BenchSystemFigures.Image(ImageBenchReport.Run(new(["astronaut", "chelsea-512"], [8, 32, 256], repeats: 3, peers), Console.Error)),
            InProcessWithoutPeers = peers ? () => BenchSystemFigures.Image(ImageBenchReport.Run(new(["astronaut", "chelsea-512"], [8, 32, 256], repeats: 3, peers: false), Console.Error)) : null,
        },
        // In this process; the figure is the time of `condense image` as a whole process, so that part runs its own children (this executable), alternately with pngquant.
        BenchSuite.Typed<ImageBenchReport>("image-process", ["bench", "image", "--images", "coffee", "--k", "256", "--repeat", "5", "--process", "--json"], BenchSystemFigures.ImageProcess) with
        {
            InProcess = () => BenchSystemFigures.ImageProcess(ImageBenchReport.Run(new(["coffee"], [256], repeats: 5, peers: false, process: true), Console.Error)),
        },
        BenchSuite.Typed<LowRankBenchReport>("lowrank", ["bench", "lowrank", "--reps", "3", .. Peers(peers), "--json"], BenchModelFigures.LowRank) with
        {
            InProcess = () => BenchModelFigures.LowRank(LowRankPeer.Measure(new(1000, [50, 200], reps: 3, new(), peers))),
            InProcessWithoutPeers = peers ? () => BenchModelFigures.LowRank(LowRankPeer.Measure(new(1000, [50, 200], reps: 3, new(), peers: false))) : null,
        },
        // A child process on purpose: a figure is the process's peak resident set (VmHWM); its JSON comes back as the typed report.
        BenchSuite.Typed<ScaleBenchReport>("scale", ["bench", "scale", "--size", "1GB", "--clean", "--json"], BenchSystemFigures.Scale),
        BenchSuite.Typed<IReadOnlyList<PageLatency>>("studio", ["bench", "studio", "--json"], BenchSystemFigures.Studio) with
        {
            // The Studio on an ephemeral loopback port in this process, every page, its models from the default cache.
            InProcess = () => BenchSystemFigures.Studio(StudioBenchmark.RunAsync(new StudioOptions { Port = 0 }, pages: null, progress: null, CancellationToken.None).GetAwaiter().GetResult()),
        },
        BenchSuite.Typed<CnnBenchReport>("cnn", ["bench", "cnn", "--samples", "60000", .. (peers ? Array.Empty<string>() : ["--no-peer"]), "--json"], BenchModelFigures.Cnn) with
        {
            // A failing peer fails the suite, as before: a second 60,000-image epoch without it would double the suite's minutes.
            InProcess = () => BenchModelFigures.Cnn(CnnPeer.Measure(new(60000, Peer: peers))),
        },
        BenchSuite.Typed<CnnStudyReport>("cnn-tricks", BenchCnnTrickFigures.Arguments, BenchCnnTrickFigures.Figures) with
        {
            InProcess = () => BenchCnnTrickFigures.Figures(CnnStudy.Run(BenchCnnTrickFigures.Request)),
        },
        BenchSuite.Typed<MultiHashSweepReport>("multihash", ["hash", "--model", "lenet300", "--factor", "8", "--sweep", "1,2,4", "--buckets", "separate", "--epochs", "1", "--json"], BenchModelFigures.MultiHash) with
        {
            InProcess = () => BenchModelFigures.MultiHash(MultiHashSweep.Run(new("lenet300", Condense.Data.DataSets.Mnist10k, 8, [1, 2, 4], SeparateBuckets: true, Epochs: 1, Dropout: 0.2, Seed: 0))),
        },
        // A child process on purpose: session memory is the resident set ONNX Runtime adds, and the latencies its thread pools' spinning; an earlier suite's allocations and threads in this process would colour both. Its JSON comes back as the typed report.
        BenchSuite.Typed<RuntimeBenchReport>("runtime", ["bench", "runtime", "--runs", "20", .. (peers ? Array.Empty<string>() : ["--no-peer"]), "--json"], BenchRuntimeFigures.Figures),
        // Child processes on purpose: the figure is the process's peak resident set (VmHWM), which an
        // earlier suite in this process would already have raised, and the analysis's CPU seconds,
        // which the process's other threads would colour. The JSON comes back as the same typed report.
        BenchSuite.Typed<CalibrationBenchReport>("calibrate-memory", ["bench", "calibration", "--task", "compress", "--json"], BenchCalibrationFigures.CalibrateMemory),
        BenchSuite.Typed<CalibrationBenchReport>("analyze-resnet18", ["bench", "calibration", "--task", "analyze", "--json"], BenchCalibrationFigures.AnalyzeResNet18),
        // In this process: the workflow's typed report, no child and no JSON between them.
        PlanSuite("plan", PlanBenchReport.Classifier),
        PlanSuite("plan-resnet18", PackagedModelPlanBench.ResNet18),
        PlanSuite("plan-minilm", PackagedModelPlanBench.MiniLm),
        .. BenchSurveyFigures.Suites,
    ];

    static BenchSuite PlanSuite(string name, string model) =>
        BenchSuite.Typed<PlanBenchReport>(name, ["bench", "plan", "--model", model, "--json"], BenchCalibrationFigures.Plan) with
        {
            InProcess = () => BenchCalibrationFigures.Plan(PlanBenchReport.Run(model, PlanBenchReport.DefaultFolder, threads: 2, LoadAverages.OneMinute)),
        };

    static string[] Peers(bool on) => on ? ["--peers"] : [];

    /// <summary>Lines that say a suite failed, so the table keeps its shape and shows what is missing.</summary>
    public static IReadOnlyList<BenchFigure> Failed(BenchSuite suite, string reason) =>
        [new("–", $"bench {suite.Name}: did not run ({reason})", "–", "–", "–", null)];
}
