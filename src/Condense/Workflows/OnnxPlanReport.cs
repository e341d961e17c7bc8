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
}
