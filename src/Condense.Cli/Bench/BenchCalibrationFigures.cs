using System.Text.Json.Nodes;
using static Condense.Cli.Bench.FigureText;

namespace Condense.Cli.Bench;

/// <summary>The figures of the calibration benches in <c>bench all</c>: issue 17's memory while calibrating ResNet18 and issue 23's analysis time, each beside its target.</summary>
static class BenchCalibrationFigures
{
    /// <summary>Issue 17: peak resident set of 4-bit GPTQ (blocks of 64) of folded ResNet18 on 256 images, and its time.</summary>
    public static IReadOnlyList<BenchFigure> CalibrateMemory(JsonNode j)
    {
        var peak = D(j["peak_rss_bytes"]) is { } b && b > 0 ? b / 1e9 : (double?)null;
        var load = (string?)j["load_average"];
        return
        [
            new("#17", "ResNet18 4-bit GPTQ (blocks of 64) on 256 images: peak RSS, GB", F(peak, "F2"), "–", Ratio(peak / 2, "F2", "≤ 2 GB"), peak is { } p ? p <= 2 : null),
            new("#17", $"same: wall s / CPU s (load {load}), held-out cosine", $"{F(D(j["wall_s"]), "F0")} / {F(D(j["cpu_s"]), "F0")}, {F(D(j["quality"]), "F4")}",
                "–", "time reported; cosine ≥ 0.98", D(j["quality"]) is { } q ? q >= 0.98 : null),
        ];
    }

    /// <summary>Issue 23: analysis of folded ResNet18 on 64 images (22 convs × 8 settings), wall and CPU seconds.</summary>
    public static IReadOnlyList<BenchFigure> AnalyzeResNet18(JsonNode j)
    {
        var wall = D(j["wall_s"]);
        var cpu = D(j["cpu_s"]);
        return
        [
            new("#23", $"analyze ResNet18, 64 images: wall s (load {(string?)j["load_average"]})", F(wall, "F1"), "–", Ratio(wall / 60, "F2", "≤ 60 s"), wall is { } w ? w <= 60 : null),
            new("#23", $"same: CPU s (user + system, {j["workers"]} workers)", F(cpu, "F1"), "–", "report (≤ ~100 s lets 2 workers meet 60 s)", null),
        ];
    }

    /// <summary>Issue 23: the plan at uniform g4's bytes on the MNIST classifier, error ÷ uniform g4's (≤ 0.5), with and without the structural settings.</summary>
    public static IReadOnlyList<BenchFigure> PlanClassifier(JsonNode j)
    {
        var ratio = D(j["plan_ratio"]);
        return
        [
            new("#23", $"plan --max-bytes g4, MNIST classifier (ONNX): error ÷ uniform g4's (load {(string?)j["load_average"]})", F(ratio, "F3"), "–", "≤ 0.5", ratio is { } r ? r <= 0.5 : null),
            new("#23", "same, quantization settings only (no low rank or sparsity)", F(D(j["quantization_only_ratio"]), "F3"), "–", "report", null),
        ];
    }
}
