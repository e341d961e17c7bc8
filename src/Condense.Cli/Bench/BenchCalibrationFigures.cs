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
}
