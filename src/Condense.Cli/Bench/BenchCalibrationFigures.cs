using Condense.Workflows;
using static Condense.Cli.Bench.FigureText;

namespace Condense.Cli.Bench;

/// <summary>The figures of the calibration benches in <c>bench all</c>: issue 17's memory while calibrating ResNet18 and issue 23's analysis time, each beside its target.</summary>
static class BenchCalibrationFigures
{
    /// <summary>Issue 17: peak resident set of 4-bit GPTQ (blocks of 64) of folded ResNet18 on 256 images, and its time.</summary>
    public static IReadOnlyList<BenchFigure> CalibrateMemory(CalibrationBenchReport j)
    {
        var peak = j.PeakRssBytes > 0 ? j.PeakRssBytes / 1e9 : (double?)null;
        var load = j.LoadAverage;
        return
        [
            new("#17", "ResNet18 4-bit GPTQ (blocks of 64) on 256 images: peak RSS, GB", F(peak, "F2"), "–", Ratio(peak / 2, "F2", "≤ 2 GB"), peak is { } p ? p <= 2 : null),
            new("#17", $"same: wall s / CPU s (load {load}), held-out cosine", $"{F(j.WallS, "F0")} / {F(j.CpuS, "F0")}, {F(j.Quality, "F4")}",
                "–", "time reported; cosine ≥ 0.98", j.Quality is { } q ? q >= 0.98 : null),
        ];
    }

    /// <summary>Issue 23: analysis of folded ResNet18 on 64 images (22 convs × 8 settings), wall and CPU seconds.</summary>
    public static IReadOnlyList<BenchFigure> AnalyzeResNet18(CalibrationBenchReport j)
    {
        double? wall = j.WallS;
        double? cpu = j.CpuS;
        return
        [
            new("#23", $"analyze ResNet18, 64 images: wall s (load {j.LoadAverage})", F(wall, "F1"), "–", Ratio(wall / 60, "F2", "≤ 60 s"), wall is { } w ? w <= 60 : null),
            new("#23", $"same: CPU s (user + system, {j.Workers} workers)", F(cpu, "F1"), "–", "report (≤ ~100 s lets 2 workers meet 60 s)", null),
        ];
    }

    /// <summary>Issue 23: the plan at uniform g4's bytes on the classifier, ResNet18 or MiniLM, error ÷ uniform g4's (≤ 0.5), with and without the structural settings.</summary>
    public static IReadOnlyList<BenchFigure> Plan(PlanBenchReport j)
    {
        double? ratio = j.PlanRatio;
        return
        [
            new("#23", $"plan --max-bytes g4, {j.Model}: held-out error ÷ uniform g4's (load {j.LoadAverage})", F(ratio, "F3"), "–", "≤ 0.5", ratio is { } r ? r <= 0.5 : null),
            new("#23", "same, quantization settings only (no low rank or sparsity)", F(j.QuantizationOnlyRatio, "F3"), "–", "report", null),
        ];
    }
}
