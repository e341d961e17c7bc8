namespace Condense.Formats;

/// <summary>
/// One tensor as a safetensors header describes it: where its bytes lie, relative to the start
/// of the data section (<see cref="Begin"/> inclusive, <see cref="End"/> exclusive).
/// </summary>
public sealed record SafetensorsEntry(string Name, TensorDType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Bytes of the tensor's data in the file.</summary>
    public long ByteLength => End - Begin;
    /// <summary>Number of elements the entry holds.</summary>
    public long ElementCount => ByteLength / DType.SizeOf();
}
