using System.Globalization;
using System.Text.Json.Nodes;

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

    public static IReadOnlyList<BenchSuite> Suites { get; } =
    [
        new("study-vd", ["study", "vd", "--epochs", "5", "--vd-epochs", "20", "--kl-anneal-epochs", "5", "--kl-weight", "0.5", "-o", Folder("vd"), "--json"], Vd),
        new("study-agp", ["study", "agp", "--epochs", "5", "--finetune-epochs", "10", "--agp-ramp", "0.3", "-o", Folder("agp"), "--json"], Agp),
        new("study-skeleton", ["study", "skeleton", "--epochs", "10", "-o", Folder("skeleton"), "--json"], Skeleton),
        new("study-scratch", ["study", "scratch", "--epochs", "5", "--finetune-epochs", "3", "-o", Folder("scratch"), "--json"], Scratch),
        // the whole workflow in one process: the default classifier teacher (5 epochs), then 400 generator steps; no teacher file needed
        new("distill-data-free", ["distill", "--data-free", "--steps", "400", "--epochs", "1", "--seeds", "1", "--json"], DataFree),
    ];

    static JsonNode[] Points(JsonNode j) => j["result"]!["points"]!.AsArray().Select(p => p!).ToArray();
    static double Accuracy(JsonNode p) => p["accuracy"]!.GetValue<double>();
    static string P(double v) => (100 * v).ToString("F2", Inv) + " %";
    static JsonNode? Find(JsonNode j, string method, double s) =>
        Points(j).FirstOrDefault(p => (string?)p["method"] == method && Math.Abs(p["sparsity"]!.GetValue<double>() - s) < 1e-9);

    static IReadOnlyList<BenchFigure> Vd(JsonNode j)
    {
        var dense = j["result"]!["dense_accuracy"]!.GetValue<double>();
        var p = Points(j)[0];
        var sparsity = p["sparsity"]!.GetValue<double>();
        var loss = 100 * (dense - Accuracy(p));
        return
        [
            new("#19", "sparse VD, LeNet-300-100, MNIST-10k: weights removed / accuracy lost vs dense (same epochs)",
                $"{P(sparsity)} / {loss.ToString("F2", Inv)} points", "98.6 % / 0.28 points (Molchanov et al., full MNIST)", "≥ 95 %, ≤ 0.5 points",
                sparsity >= 0.95 && loss <= 0.5),
        ];
    }

    static IReadOnlyList<BenchFigure> DataFree(JsonNode j)
    {
        var free = j["data_free"]!["accuracy"]!.GetValue<double>();
        var teacher = j["teacher_accuracy"]!.GetValue<double>();
        var withData = j["distilled_with_data"]!.GetValue<double>();
        var alone = j["trained_alone"]!.GetValue<double>();
        return
        [
            new("#19", $"data-free student 784-100-10 on MNIST-10k test, no training image (teacher 784-1000-1000-10 trained here, {P(teacher)}; adversarial, 400 generator steps of 256): accuracy",
                $"{P(free)} (same run: {P(withData)} distilled with data, {P(alone)} alone, 1 epoch each)", "DAFL 98.20 % (LeNet-5 → LeNet-5-half, full MNIST)", "≥ 90 %", free >= 0.90),
        ];
    }

    static IReadOnlyList<BenchFigure> Agp(JsonNode j)
    {
        var agp = Find(j, "agp", 0.9);
        var oneShot = Find(j, "one-shot", 0.9);
        return
        [
            new("#19", "AGP to 90 %, LeNet-300-100, MNIST-10k, 10 epochs from the dense model: accuracy",
                agp is null ? "–" : P(Accuracy(agp)), oneShot is null ? "–" : $"{P(Accuracy(oneShot))} one-shot + fine-tuning (same run)", "≥ one-shot",
                agp is null || oneShot is null ? null : Accuracy(agp) >= Accuracy(oneShot)),
        ];
    }

    static IReadOnlyList<BenchFigure> Skeleton(JsonNode j) =>
        Points(j).Where(p => (string?)p["method"] == "relevance").Select(p =>
        {
            var s = p["sparsity"]!.GetValue<double>();
            var magnitude = Find(j, "magnitude", s);
            return new BenchFigure("#19", $"skeletonization, {P(s)} of hidden neurons removed: accuracy by relevance",
                P(Accuracy(p)), magnitude is null ? "–" : $"{P(Accuracy(magnitude))} by magnitude (same run)", "both curves", magnitude is not null);
        }).ToList();

    static IReadOnlyList<BenchFigure> Scratch(JsonNode j)
    {
        var rows = new List<BenchFigure>();
        foreach (var kind in new[] { "structured", "unstructured" })
        {
            foreach (var p in Points(j).Where(p => (string?)p["method"] == kind + " scratch"))
            {
                var s = p["sparsity"]!.GetValue<double>();
                var tuned = Find(j, kind + " fine-tuned", s);
                rows.Add(new("#19", $"{kind} {P(s)}: pruned architecture from scratch: accuracy", P(Accuracy(p)),
                    tuned is null ? "–" : $"{P(Accuracy(tuned))} fine-tuned (same run)", "both reported", tuned is not null));
            }
        }
        return rows;
    }
}
