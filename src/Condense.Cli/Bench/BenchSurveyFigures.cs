using System.Globalization;
using Condense.Pruning;
using Condense.Workflows.Distill;
using Condense.Workflows.Survey;

namespace Condense.Cli.Bench;

/// <summary>
/// Issue #19's figures as <c>bench all</c> suites: the four <c>condense study</c> pruning controls at the
/// acceptance settings (LeNet-300-100 on MNIST-10k; each under a minute on an idle 2-core machine,
/// several minutes under load). Accuracy suites, not timings: the figure is the accuracy, the peer the
/// control measured in the same run (or the paper's figure). The data-free distillation suite trains its
/// teacher in the same process, so it needs no file.
/// </summary>
public static class BenchSurveyFigures
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    static string Folder(string name) => Path.Combine(Path.GetTempPath(), $"condense-bench-study-{name}");

    /// <summary>The five suites, each beside the command that reproduces it.</summary>
    public static IReadOnlyList<BenchSuite> Suites { get; } =
    [
        Study("vd", ["--epochs", "5", "--vd-epochs", "20", "--kl-anneal-epochs", "5", "--kl-weight", "0.5"],
            new() { Study = "vd", OutputFolder = Folder("vd"), Epochs = 5, VdEpochs = 20, KlAnnealEpochs = 5, KlWeight = 0.5 }, Vd),
        Study("agp", ["--epochs", "5", "--finetune-epochs", "10", "--agp-ramp", "0.3"],
            new() { Study = "agp", OutputFolder = Folder("agp"), Epochs = 5, FineTuneEpochs = 10, AgpRamp = 0.3 }, Agp),
        Study("skeleton", ["--epochs", "10"], new() { Study = "skeleton", OutputFolder = Folder("skeleton"), Epochs = 10 }, Skeleton),
        Study("scratch", ["--epochs", "5", "--finetune-epochs", "3"], new() { Study = "scratch", OutputFolder = Folder("scratch"), Epochs = 5, FineTuneEpochs = 3 }, Scratch),
        // the whole workflow in one process: the default classifier teacher (5 epochs), then 400 generator steps; no teacher file needed
        BenchSuite.Typed<DataFreeDistillationReport>("distill-data-free", ["distill", "--data-free", "--steps", "400", "--epochs", "1", "--seeds", "1", "--json"], DataFree) with
        {
            InProcess = () => DataFree(Condense.Workflows.Distill.DataFreeDistillation.Run(DataFreeRequest)),
        },
    ];

    /// <summary>
    /// A study suite: <see cref="SurveyStudyWorkflow"/> in this process, its report also written where
    /// <c>condense study NAME</c> writes it; <paramref name="arguments"/> are that command's settings.
    /// </summary>
    static BenchSuite Study(string name, string[] arguments, SurveyStudyRequest request, Func<SurveyStudyReport, IReadOnlyList<BenchFigure>> figures) =>
        BenchSuite.Typed("study-" + name, ["study", name, .. arguments, "-o", request.OutputFolder, "--json"], figures) with
        {
            InProcess = () =>
            {
                var report = SurveyStudyWorkflow.Run(request);
                CliConsole.WriteReportFile(report.Json, report);
                return figures(report);
            },
        };

    static IReadOnlyList<SurveyPoint> Points(SurveyStudyReport j) => j.Result.Points;
    static string P(double v) => (100 * v).ToString("F2", Inv) + " %";
    static SurveyPoint? Find(SurveyStudyReport j, string method, double s) =>
        Points(j).FirstOrDefault(p => p.Method == method && Math.Abs(p.Sparsity - s) < 1e-9);

    static IReadOnlyList<BenchFigure> Vd(SurveyStudyReport j)
    {
        var dense = j.Result.DenseAccuracy;
        var p = Points(j)[0];
        var sparsity = p.Sparsity;
        var loss = 100 * (dense - p.Accuracy);
        return
        [
            new("#19", "sparse VD, LeNet-300-100, MNIST-10k: weights removed / accuracy lost vs dense (same epochs)",
                $"{P(sparsity)} / {loss.ToString("F2", Inv)} points", "98.6 % / 0.28 points (Molchanov et al., full MNIST)", "≥ 95 %, ≤ 0.5 points",
                sparsity >= 0.95 && loss <= 0.5),
        ];
    }

    /// <summary>What <c>distill --data-free --steps 400 --epochs 1 --seeds 1</c> runs: the command's defaults otherwise (no teacher file, the 784-100-10 student, the adversarial recipe).</summary>
    static DataFreeDistillationRequest DataFreeRequest => new(null, "784-100-10", null, "adversarial", 400,
        new Condense.Distillation.DistillationOptions { Temperature = Condense.Distillation.DistillationRecipe.Options.Temperature, Alpha = Condense.Distillation.DistillationRecipe.Options.Alpha },
        new Condense.Models.TrainingOptions
        {
            Epochs = 1, StepGamma = Condense.Distillation.DistillationRecipe.StudentTraining.StepGamma ?? 1, Shift = Condense.Distillation.DistillationRecipe.StudentTraining.Shift, Seed = 0,
        }, null);

    static IReadOnlyList<BenchFigure> DataFree(DataFreeDistillationReport j)
    {
        var free = j.DataFree.Accuracy;
        var teacher = j.TeacherAccuracy;
        var withData = j.DistilledWithData;
        var alone = j.TrainedAlone;
        return
        [
            new("#19", $"data-free student 784-100-10 on MNIST-10k test, no training image (teacher 784-1000-1000-10 trained here, {P(teacher)}; adversarial, 400 generator steps of 256): accuracy",
                $"{P(free)} (same run: {P(withData)} distilled with data, {P(alone)} alone, 1 epoch each)", "DAFL 98.20 % (LeNet-5 → LeNet-5-half, full MNIST)", "≥ 90 %", free >= 0.90),
        ];
    }

    static IReadOnlyList<BenchFigure> Agp(SurveyStudyReport j)
    {
        var agp = Find(j, "agp", 0.9);
        var oneShot = Find(j, "one-shot", 0.9);
        return
        [
            new("#19", "AGP to 90 %, LeNet-300-100, MNIST-10k, 10 epochs from the dense model: accuracy",
                agp is null ? "–" : P(agp.Accuracy), oneShot is null ? "–" : $"{P(oneShot.Accuracy)} one-shot + fine-tuning (same run)", "≥ one-shot",
                agp is null || oneShot is null ? null : agp.Accuracy >= oneShot.Accuracy),
        ];
    }

    static IReadOnlyList<BenchFigure> Skeleton(SurveyStudyReport j) =>
        Points(j).Where(p => p.Method == "relevance").Select(p =>
        {
            var s = p.Sparsity;
            var magnitude = Find(j, "magnitude", s);
            return new BenchFigure("#19", $"skeletonization, {P(s)} of hidden neurons removed: accuracy by relevance",
                P(p.Accuracy), magnitude is null ? "–" : $"{P(magnitude.Accuracy)} by magnitude (same run)", "both curves", magnitude is not null);
        }).ToList();

    static IReadOnlyList<BenchFigure> Scratch(SurveyStudyReport j)
    {
        var rows = new List<BenchFigure>();
        foreach (var kind in new[] { "structured", "unstructured" })
        {
            foreach (var p in Points(j).Where(p => p.Method == kind + " scratch"))
            {
                var s = p.Sparsity;
                var tuned = Find(j, kind + " fine-tuned", s);
                rows.Add(new("#19", $"{kind} {P(s)}: pruned architecture from scratch: accuracy", P(p.Accuracy),
                    tuned is null ? "–" : $"{P(tuned.Accuracy)} fine-tuned (same run)", "both reported", tuned is not null));
            }
        }
        return rows;
    }
}
