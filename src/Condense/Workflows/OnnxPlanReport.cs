using Condense.Analysis;

namespace Condense.Workflows;

/// <summary>What <c>condense plan MODEL.onnx</c> chose, wrote and measured.</summary>
/// <param name="Analysis">The analysis the plan was made from.</param>
/// <param name="Output">The model written.</param>
/// <param name="Budget">The budget, in words.</param>
/// <param name="Layers">Per layer, the setting chosen.</param>
/// <param name="Plan">The written file: its bytes and held-out error measured by ONNX Runtime on the file itself.</param>
/// <param name="PredictedError">√Σ of the layers' errors, what the planner expected.</param>
/// <param name="Rounds">Plan–measure rounds until the whole model met the budget.</param>
public sealed record OnnxPlanReport(OnnxAnalysisReport Analysis, string Output, string Budget, IReadOnlyList<PlannedLayer> Layers,
    ModelMeasure Plan, double PredictedError, int Rounds)
{
    /// <summary>
    /// With channel settings analysed: every channel group, and for each one not offered as "c&lt;p&gt;" why (residual,
    /// graph output, --keep …), so a plan that cut nothing says what could not be cut.
    /// </summary>
    public IReadOnlyList<ChannelGroupOffer>? ChannelGroups { get; init; }

    /// <summary>
    /// The chosen model's output error on the selection samples it was chosen on (the whole choice at once, not added up
    /// from the layers): beside <see cref="PredictedError"/> it shows whether the layers' errors add; beside the held-out
    /// <see cref="Plan"/> error, whether the selection samples speak for the held-out ones. Null under a latency budget.
    /// </summary>
    public double? SelectionError { get; init; }

    /// <summary>
    /// The uniform setting written instead of the planner's choice because it measured lower on the selection samples
    /// within the byte budget (<see cref="SelectionCheck"/>); null when the planner's choice was kept.
    /// </summary>
    public string? UniformOnSelection { get; init; }
}
