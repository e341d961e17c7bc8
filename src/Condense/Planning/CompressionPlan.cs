namespace Condense.Planning;

/// <summary>A per-layer choice with what it is predicted to cost and weigh.</summary>
public sealed record CompressionPlan(string Name, IReadOnlyList<LayerCandidate> Layers, long PredictedBytes, double PredictedAccuracy)
{
    /// <summary>The accuracy drop the plan predicts: the sum of each layer's measured drop at its chosen setting (assumes the drops add, which sensitivity analysis checks only layer by layer).</summary>
    public double PredictedDrop => Layers.Sum(l => l.AccuracyDrop);
}
