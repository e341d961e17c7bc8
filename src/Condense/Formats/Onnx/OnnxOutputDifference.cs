namespace Condense.Formats.Onnx;

/// <summary>
/// How far one output of the compressed model is from the original's on the same inputs.
/// Relative figures are normalised by the original's magnitude over the whole output (not
/// element by element, which explodes near zero).
/// </summary>
/// <param name="Name">Output name.</param>
/// <param name="MaxAbs">max |a − b|.</param>
/// <param name="MeanAbs">mean |a − b|.</param>
/// <param name="MaxRelative">max |a − b| / max |a|.</param>
/// <param name="MeanRelative">mean |a − b| / mean |a|.</param>
public sealed record OnnxOutputDifference(string Name, double MaxAbs, double MeanAbs, double MaxRelative, double MeanRelative)
{
    /// <summary>The output's ONNX type name (outputs need not be floats: class indices, masks, strings).</summary>
    public string DataType { get; init; } = "FLOAT";

    /// <summary>Elements that differ at all; for integer, boolean and string outputs the figure that matters.</summary>
    public long Mismatched { get; init; }
}
