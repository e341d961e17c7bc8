namespace Condense.Metrics;

/// <summary>Per-layer metrics of a whole model, with the largest cond₁ over its layers (the article's <c>combined_cond</c>).</summary>
public sealed record ModelMetrics(IReadOnlyList<LayerMetrics> Layers)
{
    /// <summary>max over layers of cond₁(W): the worst amplification of a relative weight error.</summary>
    public double MaxCond1 => Layers.Count == 0 ? double.NaN : Layers.Max(l => l.Cond1);

    /// <summary>max over layers of the cond₁ bound.</summary>
    public double MaxBound => Layers.Count == 0 ? double.NaN : Layers.Max(l => l.Bound);
}
