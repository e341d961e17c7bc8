namespace Condense.Analysis;

/// <summary>One analysed layer: the seeds' metrics of its weight, and every setting measured.</summary>
/// <param name="Node">The ONNX node's name (what <c>--keep</c>/<c>--exclude</c> take).</param>
/// <param name="Kind">MatMul, Gemm or Conv (as its unfolded matrix).</param>
/// <param name="Weight">The weight initializer.</param>
/// <param name="Rows">Outputs (all groups).</param>
/// <param name="Columns">Inputs per group (C_in/group·kh·kw for a Conv).</param>
/// <param name="FloatBytes">The float32 weight's bytes in the file.</param>
/// <param name="OneNorm">‖W‖₁ (largest column sum).</param>
/// <param name="Cond1">cond₁(W) = ‖W‖₁‖W⁺‖₁.</param>
/// <param name="EffectiveRank">Roy and Vetterli's effective rank.</param>
/// <param name="Settings">Per setting, in the order asked.</param>
public sealed record LayerAnalysis(string Node, string Kind, string Weight, int Rows, int Columns, long FloatBytes,
    double OneNorm, double Cond1, double EffectiveRank, IReadOnlyList<LayerSettingMeasure> Settings)
{
    /// <summary>Largest bound ÷ measured layer error over the settings (how loose the bound is here); null when nothing was measured.</summary>
    public double? Looseness => Settings.Where(s => s.LayerError > 0).Select(s => s.Bound / s.LayerError!.Value).DefaultIfEmpty().Max() is var m && m > 0 ? m : null;

    /// <summary>Whether bound ≥ measured layer error for every setting.</summary>
    public bool BoundHolds => Settings.All(s => s.LayerError is null || s.Bound >= s.LayerError.Value);
}
