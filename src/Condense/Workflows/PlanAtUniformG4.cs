using System.Diagnostics;
using Condense.Analysis;

namespace Condense.Workflows;

/// <summary>
/// Issue 23's planner comparison on one analysis, as <c>condense plan --max-bytes g4</c> judges it: uniform
/// g4 (GPTQ), the plan at its bytes from every setting analysed, and the plan from the quantization settings
/// alone, each built and run in ONNX Runtime on held-out samples the choice never saw. One place for the
/// three benches (the MNIST classifier, ResNet18, MiniLM), so their figures are the same computation.
/// </summary>
public static class PlanAtUniformG4
{
    /// <summary>One run's figures.</summary>
    /// <param name="Data">The data's description.</param>
    /// <param name="WallSeconds">Preparation (first run only), analysis and both plans.</param>
    /// <param name="CpuSeconds">User + system over the same span.</param>
    /// <param name="Uniform">Uniform g4 (GPTQ): bytes and error.</param>
    /// <param name="Plan">The plan from every setting, as built and run.</param>
    /// <param name="QuantizationOnly">The plan from the quantization settings alone.</param>
    /// <param name="SelectionSamples">Calibration samples withheld from fitting that the plans were chosen on.</param>
    public sealed record Result(string Data, double WallSeconds, double CpuSeconds, ModelMeasure Uniform, OnnxBudgetPlanResult Plan,
        OnnxBudgetPlanResult QuantizationOnly, int SelectionSamples);

    /// <summary>Analyses <paramref name="request"/> (which must include g4) and plans twice at uniform g4's bytes; the clock and CPU count from <paramref name="since"/>.</summary>
    public static Result Measure(OnnxAnalysisRequest request, (Stopwatch Clock, TimeSpan Cpu) since)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (analysis, candidates) = OnnxAnalysis.Analyze(request);
        using (candidates)
        {
            var uniform = analysis.Uniform.SingleOrDefault(u => u.Name == "uniform g4")
                ?? throw new CondenseException("plan bench: g4 is not among the settings analysed");
            var plan = OnnxBudgetPlan.WithinBytes(analysis, candidates, uniform.Bytes, request.Threads);
            var quantization = OnnxBudgetPlan.WithinBytes(analysis, candidates, uniform.Bytes, request.Threads, s => !s.Structural);
            using var process = Process.GetCurrentProcess();
            return new Result(request.Data.Description, since.Clock.Elapsed.TotalSeconds, (process.TotalProcessorTime - since.Cpu).TotalSeconds,
                uniform, plan, quantization, analysis.SensitivitySamples);
        }
    }

    /// <summary>Starts the clock and CPU count of a run.</summary>
    public static (Stopwatch Clock, TimeSpan Cpu) Start()
    {
        using var process = Process.GetCurrentProcess();
        return (Stopwatch.StartNew(), process.TotalProcessorTime);
    }
}
