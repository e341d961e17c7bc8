namespace Condense.Planning;

/// <summary>A per-layer choice with what it is predicted to cost and weigh.</summary>
public sealed record CompressionPlan(string Name, IReadOnlyList<LayerCandidate> Layers, long PredictedBytes, double PredictedAccuracy)
{
    public double PredictedDrop => Layers.Sum(l => l.AccuracyDrop);
}
