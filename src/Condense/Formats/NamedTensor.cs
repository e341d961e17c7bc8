using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Condense.Formats;

/// <summary>
/// A tensor as files store it: a name, an element type, a shape and little-endian bytes.
/// It is the common currency of the readers and writers, so it holds raw bytes rather than a
/// TorchSharp tensor: files can be read, checked and rewritten without loading LibTorch.
/// </summary>
public sealed class NamedTensor
{
    /// <summary>Wraps stored bytes; a byte count that does not match <paramref name="shape"/> and <paramref name="dtype"/> is a <see cref="CondenseException"/>, so no tensor exists with a lying shape.</summary>
    public NamedTensor(string name, TensorDType dtype, long[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        var count = ElementCountOf(shape) ?? throw new CondenseException($"tensor '{name}': shape [{string.Join(", ", shape)}] is negative or overflows");
        if (count * dtype.SizeOf() != data.LongLength)
            throw new CondenseException($"tensor '{name}': {data.LongLength} bytes do not hold shape [{string.Join(", ", shape)}] of {dtype.ToSafetensorsName()}");
        Name = name;
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    /// <summary>The tensor's name in its file (e.g. "fc1.weight"), how layers find their parameters.</summary>
    public string Name { get; }
    /// <summary>The element type the bytes hold.</summary>
    public TensorDType DType { get; }
    /// <summary>Dimensions, outermost first (row-major); empty for a scalar.</summary>
    public long[] Shape { get; }
    /// <summary>The elements as little-endian bytes, exactly ElementCount × the element size.</summary>
    public byte[] Data { get; }
    /// <summary>Number of elements (the product of <see cref="Shape"/>).</summary>
    public long ElementCount => Data.LongLength / DType.SizeOf();

    /// <summary>A float32 tensor from <paramref name="values"/>, copied to little-endian bytes; the shape must hold exactly values.Length elements.</summary>
    public static NamedTensor FromFloat32(string name, ReadOnlySpan<float> values, params long[] shape) =>
        new(name, TensorDType.F32, shape, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>Values widened or narrowed to float32 (integers and booleans converted by value).</summary>
    public float[] ToFloat32()
    {
        var n = checked((int)ElementCount);
        var result = new float[n];
        var bytes = Data.AsSpan();
        switch (DType)
        {
            case TensorDType.F32:
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(result);
                break;
            case TensorDType.F64:
                for (var i = 0; i < n; i++) result[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                break;
            case TensorDType.F16:
                for (var i = 0; i < n; i++) result[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                break;
            case TensorDType.BF16:
                for (var i = 0; i < n; i++) result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                break;
            case TensorDType.I64:
                for (var i = 0; i < n; i++) result[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]);
                break;
            case TensorDType.I32:
                for (var i = 0; i < n; i++) result[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
                break;
            case TensorDType.I16:
                for (var i = 0; i < n; i++) result[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]);
                break;
            case TensorDType.I8:
                for (var i = 0; i < n; i++) result[i] = (sbyte)bytes[i];
                break;
            case TensorDType.U8:
            case TensorDType.Bool:
                for (var i = 0; i < n; i++) result[i] = bytes[i];
                break;
        }
        return result;
    }

    /// <summary>Product of the dimensions, or null when one is negative or the product overflows.</summary>
    public static long? ElementCountOf(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) return null;
            try { count = checked(count * d); }
            catch (OverflowException) { return null; }
        }
        return count;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {DType.ToSafetensorsName()}[{string.Join(", ", Shape)}]";
}
