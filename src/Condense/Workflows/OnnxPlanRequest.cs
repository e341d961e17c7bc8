using Condense.Analysis;

namespace Condense.Workflows;

/// <summary>Plan per-layer settings of any ONNX model to a budget, and write the planned model.</summary>
/// <param name="Analysis">What to analyse first (model, data, settings, exclusions).</param>
/// <param name="OutputPath">The planned ONNX model (written only after ONNX Runtime ran it and the budget is met).</param>
/// <param name="PlanJsonPath">Where the plan goes as JSON, or null.</param>
/// <param name="MaxBytes">Budget: the file's bytes.</param>
/// <param name="MaxError">Budget: the model's relative output error on the held-out samples.</param>
/// <param name="Keep">ONNX node names held at float32.</param>
/// <param name="MaxBytesOfUniform">Budget: the file bytes of this uniform setting (e.g. "g4"), as analysis measured it; the comparison the planner is judged by.</param>
/// <param name="MaxLatencyMs">Budget: the written model's ONNX Runtime latency in milliseconds (one thread, median of <see cref="LatencyRuns"/>; <see cref="OnnxLatencyPlan"/>).</param>
/// <param name="LatencyRuns">Timed runs per median for <see cref="MaxLatencyMs"/>.</param>
public sealed record OnnxPlanRequest(OnnxAnalysisRequest Analysis, string OutputPath, string? PlanJsonPath, long? MaxBytes, double? MaxError,
    IReadOnlyList<string>? Keep = null, string? MaxBytesOfUniform = null, double? MaxLatencyMs = null, int LatencyRuns = 15)
{
    /// <summary>Checks every value; bad ones are quoted in a <see cref="CondenseException"/>.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Analysis);
        Analysis.RequireCalibrationForGptq();
        if ((MaxBytes is null ? 0 : 1) + (MaxError is null ? 0 : 1) + (MaxBytesOfUniform is null ? 0 : 1) + (MaxLatencyMs is null ? 0 : 1) != 1)
            throw new CondenseException("plan: give exactly one of --max-bytes, --max-latency and --max-error");
        if (MaxLatencyMs is not null && !(MaxLatencyMs > 0 && double.IsFinite(MaxLatencyMs.Value))) throw new CondenseException($"plan: --max-latency must be a positive number of milliseconds, not {MaxLatencyMs}");
        if (LatencyRuns is < 1 or > 1000) throw new CondenseException($"plan: latency runs must be 1–1000, not {LatencyRuns}");
        if (MaxBytesOfUniform is not null && !Analysis.EffectiveSettings.Any(x => x.Label == QuantizationSetting.Parse(MaxBytesOfUniform).Label))
            throw new CondenseException($"plan: --max-bytes {MaxBytesOfUniform}: that setting is not among those analysed");
        if (MaxBytes is <= 0) throw new CondenseException($"plan: --max-bytes must be positive, not {MaxBytes}");
        if (MaxError is not null && !(MaxError > 0 && MaxError < 10)) throw new CondenseException($"plan: --max-error must be in (0, 10), not {MaxError}");
        Workflows.OutputPath.RefuseOverwrite(Analysis.ModelPath, OutputPath);
        var output = Path.GetFullPath(OutputPath);
        if (PlanJsonPath is not null && (string.Equals(Path.GetFullPath(PlanJsonPath), output, StringComparison.Ordinal)
            || string.Equals(Path.GetFullPath(PlanJsonPath), Path.GetFullPath(Analysis.ModelPath), StringComparison.Ordinal)))
            throw new CondenseException($"{PlanJsonPath}: the plan would overwrite a model");
    }
}
