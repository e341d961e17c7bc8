using Onnx;

namespace Condense.Formats.Onnx;

/// <summary>
/// One weight tensor of a model: its value name in the graph (what consumers read), where it
/// lives, and the tensor itself (shared with the model, not copied).
/// </summary>
public sealed record OnnxParameter(string Name, OnnxParameterSource Source, TensorProto Tensor)
{
    /// <summary>
    /// The graph the tensor lives in: <c>""</c> for the main graph, else the path of a
    /// control-flow body such as <c>Loop_3/body</c> (node name, or op type and index, then the
    /// attribute), so a user can tell weights of different branches with the same name apart.
    /// </summary>
    public string GraphPath { get; init; } = "";

    /// <summary>The graph message holding the tensor (the main graph when null).</summary>
    internal GraphProto? Graph { get; init; }

    /// <summary>The tensor's dimensions.</summary>
    public long[] Shape => Tensor.Dims.ToArray();

    /// <summary>Number of elements.</summary>
    public long ElementCount => OnnxTensorData.ElementCount(Tensor.Dims);

    /// <summary>ONNX data type name (FLOAT, INT64, …).</summary>
    public string TypeName => OnnxTensorData.TypeName(Tensor.DataType);

    /// <summary>Bytes of the stored payload.</summary>
    public long Bytes => OnnxTensorData.StoredBytes(Tensor);
}
