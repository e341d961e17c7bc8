using Condense.Analysis;

namespace Condense.Workflows;

/// <summary>
/// Plan per-layer settings of any ONNX model to a budget, and write the planned model. Checked when it is
/// built: exactly one budget, in range, and a uniform setting named as a budget among those analysed; the
/// analysis and the budgets are checked together, so they are set by the constructor only.
/// <see cref="OnnxPlanning.Run"/> checks the paths (no model overwritten) before it reads anything.
/// </summary>
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
    /// <summary>What to analyse first; its settings include <see cref="MaxBytesOfUniform"/> when that is the budget.</summary>
    public OnnxAnalysisRequest Analysis { get; } = CheckBudget(Analysis, MaxBytes, MaxError, MaxBytesOfUniform, MaxLatencyMs);

    /// <summary>Budget: the file's bytes, positive.</summary>
    public long? MaxBytes { get; } = MaxBytes;

    /// <summary>Budget: the relative output error, in (0, 10).</summary>
    public double? MaxError { get; } = MaxError;

    /// <summary>Budget: the file bytes of this uniform setting, one of those analysed.</summary>
    public string? MaxBytesOfUniform { get; } = MaxBytesOfUniform;

    /// <summary>Budget: the written model's latency in milliseconds, positive and finite.</summary>
    public double? MaxLatencyMs { get; } = MaxLatencyMs;

    /// <summary>Timed runs per median for <see cref="MaxLatencyMs"/>; 1–1000.</summary>
    public int LatencyRuns { get; init => field = CheckRuns(value); } = CheckRuns(LatencyRuns);

    static OnnxAnalysisRequest CheckBudget(OnnxAnalysisRequest analysis, long? maxBytes, double? maxError, string? ofUniform, double? maxLatencyMs)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        if ((maxBytes is null ? 0 : 1) + (maxError is null ? 0 : 1) + (ofUniform is null ? 0 : 1) + (maxLatencyMs is null ? 0 : 1) != 1)
            throw new CondenseException("plan: give exactly one of --max-bytes, --max-latency and --max-error");
        if (maxLatencyMs is { } ms && !(ms > 0 && double.IsFinite(ms))) throw Refused("plan: --max-latency must be a positive number of milliseconds", ms);
        if (ofUniform is not null && !analysis.EffectiveSettings.Any(x => x.Label == QuantizationSetting.Parse(ofUniform).Label))
            throw new CondenseException($"plan: --max-bytes {ofUniform}: that setting is not among those analysed");
        if (maxBytes is <= 0) throw new CondenseException($"plan: --max-bytes must be positive, got {maxBytes}");
        if (maxError is { } e && !(e > 0 && e < 10)) throw Refused("plan: --max-error must be in (0, 10)", e);
        return analysis;
    }

    static int CheckRuns(int value) => value is >= 1 and <= 1000 ? value : throw new CondenseException($"plan: latency runs must be 1–1000, got {value}");

    static CondenseException Refused(string rule, double value) =>
        new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{rule}, got {value}"));

    /// <summary>Throws when the model or the plan would overwrite the input or each other (checked by the run, before it reads anything).</summary>
    internal void RefuseOverwrites()
    {
        Workflows.OutputPath.RefuseOverwrite(Analysis.ModelPath, OutputPath);
        var output = Path.GetFullPath(OutputPath);
        if (PlanJsonPath is not null && (string.Equals(Path.GetFullPath(PlanJsonPath), output, StringComparison.Ordinal)
            || string.Equals(Path.GetFullPath(PlanJsonPath), Path.GetFullPath(Analysis.ModelPath), StringComparison.Ordinal)))
            throw new CondenseException($"{PlanJsonPath}: the plan would overwrite a model");
    }
}
