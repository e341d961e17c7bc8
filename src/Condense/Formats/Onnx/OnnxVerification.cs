namespace Condense.Formats.Onnx;

/// <summary>The verifier's verdict: per-output differences and where the inputs came from.</summary>
/// <param name="Outputs">One entry per graph output.</param>
/// <param name="InputSource">"test_data_set_0" (real inputs) or "random (seed S)".</param>
public sealed record OnnxVerification(IReadOnlyList<OnnxOutputDifference> Outputs, string InputSource)
{
    /// <summary>The largest <see cref="OnnxOutputDifference.MaxRelative"/> over all outputs.</summary>
    public double WorstRelative => Outputs.Select(o => o.MaxRelative).DefaultIfEmpty(0).Max();

    /// <summary>The largest <see cref="OnnxOutputDifference.MaxAbs"/> over all outputs.</summary>
    public double WorstAbs => Outputs.Select(o => o.MaxAbs).DefaultIfEmpty(0).Max();
}
