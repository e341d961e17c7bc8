using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Formats.Onnx;

/// <summary>
/// Sizes and decoding of <see cref="TensorProto"/> payloads. ONNX lets a tensor carry its bytes
/// in <c>raw_data</c> (little-endian), in a typed repeated field (<c>float_data</c>,
/// <c>int32_data</c> also holding 8/16-bit values and fp16 bit patterns, <c>int64_data</c>, …) or
/// in an external file; every weight reader in Condense goes through here so the three agree.
/// </summary>
public static class OnnxTensorData
{
    /// <summary>Bytes one element takes in <c>raw_data</c>; 0 for types with no fixed size (string).</summary>
    public static int ElementSize(int dataType) => (DataType)dataType switch
    {
        DataType.Float or DataType.Int32 or DataType.Uint32 => 4,
        DataType.Double or DataType.Int64 or DataType.Uint64 or DataType.Complex64 => 8,
        DataType.Complex128 => 16,
        DataType.Float16 or DataType.Bfloat16 or DataType.Int16 or DataType.Uint16 => 2,
        DataType.Int8 or DataType.Uint8 or DataType.Bool => 1,
        _ => 0,
    };

    /// <summary>ONNX's UINT4 data type number (IR 10; not in Debian's older onnx.proto enum): two values per byte.</summary>
    public const int Uint4 = 21;

    /// <summary>ONNX's INT4 data type number (IR 10): two values per byte.</summary>
    public const int Int4 = 22;

    /// <summary>The ONNX name of a data type (FLOAT, INT64, …), or its number when unknown.</summary>
    public static string TypeName(int dataType) =>
        dataType == Uint4 ? "UINT4" : dataType == Int4 ? "INT4"
        : Enum.IsDefined((DataType)dataType) ? ((DataType)dataType).ToString().ToUpperInvariant() : $"type {dataType}";

    /// <summary>
    /// The number of elements of a shape, or -1 when a dimension is negative or the product
    /// exceeds <paramref name="limit"/> (checked before it can overflow).
    /// </summary>
    public static long ElementCount(IReadOnlyList<long> dims, long limit = long.MaxValue)
    {
        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0) return -1;
            if (d == 0) { count = 0; continue; }
            if (count != 0 && count > limit / d) return -1;
            count *= d;
        }
        return count <= limit ? count : -1;
    }

    /// <summary>Bytes of the tensor's stored payload (raw, typed or external), as it sits in the file.</summary>
    public static long StoredBytes(TensorProto t)
    {
        if (IsExternal(t)) return ExternalLength(t) ?? ElementCount(t.Dims) * ElementSize(t.DataType);
        if (t.HasRawData) return t.RawData.Length;
        return t.FloatData.Count * 4L + t.Int32Data.Count * 4L + t.Int64Data.Count * 8L + t.DoubleData.Count * 8L
            + t.Uint64Data.Count * 8L + t.StringData.Sum(s => (long)s.Length);
    }

    /// <summary>Bytes the tensor would take as raw little-endian data.</summary>
    public static long DenseBytes(TensorProto t) => ElementCount(t.Dims) * ElementSize(t.DataType);

    /// <summary>Whether the tensor's bytes live in an external data file rather than in the model: such a tensor must be loaded from beside the model before it can be read.</summary>
    public static bool IsExternal(TensorProto t) => t.HasDataLocation && t.DataLocation == TensorProto.Types.DataLocation.External;

    internal static string? ExternalValue(TensorProto t, string key) =>
        t.ExternalData.FirstOrDefault(e => e.Key == key)?.Value;

    internal static long? ExternalLength(TensorProto t) =>
        long.TryParse(ExternalValue(t, "length"), out var n) ? n : null;

    /// <summary>True for types Condense compresses (real-valued floating point).</summary>
    public static bool IsFloat(int dataType) =>
        (DataType)dataType is DataType.Float or DataType.Double or DataType.Float16 or DataType.Bfloat16;

    /// <summary>
    /// The tensor's values as float32. External data must have been loaded first
    /// (<see cref="OnnxModel.LoadExternalData()"/>); the reader has already checked sizes.
    /// </summary>
    public static float[] ToFloat32(TensorProto t)
    {
        if (IsExternal(t)) throw new CondenseException($"tensor '{t.Name}': external data not loaded");
        var n = checked((int)ElementCount(t.Dims));
        var result = new float[n];
        var type = (DataType)t.DataType;
        if (t.HasRawData)
        {
            var raw = t.RawData.Span;
            for (int i = 0; i < n; i++)
            {
                result[i] = type switch
                {
                    DataType.Float => BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]),
                    DataType.Double => (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(i * 8)..]),
                    DataType.Float16 => (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(raw[(i * 2)..])),
                    DataType.Bfloat16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw[(i * 2)..]) << 16),
                    DataType.Int8 => (sbyte)raw[i],
                    DataType.Uint8 or DataType.Bool => raw[i],
                    DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(raw[(i * 2)..]),
                    DataType.Uint16 => BinaryPrimitives.ReadUInt16LittleEndian(raw[(i * 2)..]),
                    DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(raw[(i * 4)..]),
                    DataType.Uint32 => BinaryPrimitives.ReadUInt32LittleEndian(raw[(i * 4)..]),
                    DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(raw[(i * 8)..]),
                    DataType.Uint64 => BinaryPrimitives.ReadUInt64LittleEndian(raw[(i * 8)..]),
                    _ => throw new CondenseException($"tensor '{t.Name}': cannot read {TypeName(t.DataType)} as numbers"),
                };
            }
            return result;
        }
        for (int i = 0; i < n; i++)
        {
            result[i] = type switch
            {
                DataType.Float => t.FloatData[i],
                DataType.Double => (float)t.DoubleData[i],
                DataType.Float16 => (float)BitConverter.UInt16BitsToHalf((ushort)t.Int32Data[i]),
                DataType.Bfloat16 => BitConverter.Int32BitsToSingle(t.Int32Data[i] << 16),
                DataType.Int8 or DataType.Uint8 or DataType.Bool or DataType.Int16 or DataType.Uint16 or DataType.Int32 => t.Int32Data[i],
                DataType.Int64 => t.Int64Data[i],
                DataType.Uint32 or DataType.Uint64 => t.Uint64Data[i],
                _ => throw new CondenseException($"tensor '{t.Name}': cannot read {TypeName(t.DataType)} as numbers"),
            };
        }
        return result;
    }

    /// <summary>
    /// The tensor's payload as raw little-endian bytes, whichever way it is stored (for feeding
    /// ONNX Runtime and for comparisons). External data must have been loaded first.
    /// </summary>
    public static byte[] ToRawBytes(TensorProto t)
    {
        if (IsExternal(t)) throw new CondenseException($"tensor '{t.Name}': external data not loaded");
        if (t.HasRawData) return t.RawData.ToByteArray();
        var n = checked((int)ElementCount(t.Dims));
        var size = ElementSize(t.DataType);
        if (size == 0) throw new CondenseException($"tensor '{t.Name}': {TypeName(t.DataType)} has no raw form");
        var bytes = new byte[checked(n * size)];
        var span = bytes.AsSpan();
        var type = (DataType)t.DataType;
        for (int i = 0; i < n; i++)
        {
            switch (type)
            {
                case DataType.Float: BinaryPrimitives.WriteSingleLittleEndian(span[(i * 4)..], t.FloatData[i]); break;
                case DataType.Double: BinaryPrimitives.WriteDoubleLittleEndian(span[(i * 8)..], t.DoubleData[i]); break;
                case DataType.Int64: BinaryPrimitives.WriteInt64LittleEndian(span[(i * 8)..], t.Int64Data[i]); break;
                case DataType.Uint64: BinaryPrimitives.WriteUInt64LittleEndian(span[(i * 8)..], t.Uint64Data[i]); break;
                case DataType.Uint32: BinaryPrimitives.WriteUInt32LittleEndian(span[(i * 4)..], (uint)t.Uint64Data[i]); break;
                case DataType.Int32: BinaryPrimitives.WriteInt32LittleEndian(span[(i * 4)..], t.Int32Data[i]); break;
                case DataType.Int16 or DataType.Uint16 or DataType.Float16 or DataType.Bfloat16:
                    BinaryPrimitives.WriteUInt16LittleEndian(span[(i * 2)..], (ushort)t.Int32Data[i]); break;
                case DataType.Int8 or DataType.Uint8 or DataType.Bool: span[i] = (byte)t.Int32Data[i]; break;
                default: throw new CondenseException($"tensor '{t.Name}': cannot read {TypeName(t.DataType)}");
            }
        }
        return bytes;
    }

    /// <summary>A FLOAT tensor with raw little-endian data.</summary>
    public static TensorProto FromFloat32(string name, ReadOnlySpan<float> values, IEnumerable<long> dims)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return Raw(name, DataType.Float, bytes, dims);
    }

    /// <summary>A tensor of any fixed-size type from raw little-endian bytes.</summary>
    public static TensorProto Raw(string name, DataType type, byte[] bytes, IEnumerable<long> dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        t.Dims.AddRange(dims);
        return t;
    }

    /// <summary>An INT64 tensor (shapes, axes, slice bounds).</summary>
    public static TensorProto Int64(string name, long[] values, params long[] dims)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        return Raw(name, DataType.Int64, bytes, dims);
    }

    /// <summary>An INT32 tensor.</summary>
    public static TensorProto Int32(string name, int[] values, params long[] dims)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        return Raw(name, DataType.Int32, bytes, dims);
    }
}
