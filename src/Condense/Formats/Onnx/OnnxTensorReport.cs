namespace Condense.Formats.Onnx;

/// <summary>
/// What happened to one weight tensor: its encoding, serialised bytes before (the tensor, or its
/// Constant node) and after (its new initializers plus decoding nodes; the bit table shared by
/// all packed tensors is counted only in the model totals), and the weight error it costs.
/// </summary>
/// <param name="Name">Value name in the graph.</param>
/// <param name="Source">Initializer or Constant node.</param>
/// <param name="Shape">Dimensions.</param>
/// <param name="DataType">ONNX type name of the original.</param>
/// <param name="Encoding">e.g. "kmeans 5-bit packed", "fp16", "sparse(linear 8-bit)", "kept: below min size".</param>
/// <param name="BytesBefore">Serialised bytes of the original.</param>
/// <param name="BytesAfter">Serialised bytes of the encoding (equal to before when kept).</param>
/// <param name="MaxAbsError">max |w − ŵ|.</param>
/// <param name="RelativeRmsError">‖w − ŵ‖₂ / ‖w‖₂ (0 when kept or w = 0).</param>
public sealed record OnnxTensorReport(
    string Name,
    OnnxParameterSource Source,
    long[] Shape,
    string DataType,
    string Encoding,
    long BytesBefore,
    long BytesAfter,
    double MaxAbsError,
    double RelativeRmsError)
{
    /// <summary>The graph the tensor lives in: <c>""</c> for the main graph, else e.g. <c>Loop_3/body</c>.</summary>
    public string GraphPath { get; init; } = "";

    /// <summary>Whether the tensor was re-encoded.</summary>
    public bool Compressed => !Encoding.StartsWith("kept", StringComparison.Ordinal);
}
