using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Formats.Npy;

/// <summary>
/// One array read from a <c>.npy</c> file (or one member of a <c>.npz</c>): its ONNX element type,
/// its shape and its bytes in C order, little-endian, so it can become a <c>TensorProto</c>'s
/// <c>raw_data</c> without conversion.
/// </summary>
public sealed record NpyArray(string Name, DataType Type, long[] Shape, byte[] Data)
{
    /// <summary>The number of elements (the product of <see cref="Shape"/>).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);
}
