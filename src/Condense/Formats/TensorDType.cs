namespace Condense.Formats;

/// <summary>Element types of stored tensors, named as safetensors names them.</summary>
public enum TensorDType
{
    /// <summary>IEEE binary64.</summary>
    F64,
    /// <summary>IEEE binary32: what Condense trains and measures in.</summary>
    F32,
    /// <summary>IEEE binary16: half the bytes, about 3 decimal digits, saturates above 65,504.</summary>
    F16,
    /// <summary>bfloat16: float32's range with an 8-bit mantissa.</summary>
    BF16,
    /// <summary>Signed 64-bit integer (indices, shapes).</summary>
    I64,
    /// <summary>Signed 32-bit integer.</summary>
    I32,
    /// <summary>Signed 16-bit integer.</summary>
    I16,
    /// <summary>Signed 8-bit integer (linear quantization codes).</summary>
    I8,
    /// <summary>Unsigned 8-bit integer (k-means indices, packed codes).</summary>
    U8,
    /// <summary>One byte per boolean (pruning masks).</summary>
    Bool,
}

/// <summary>Sizes and safetensors names of <see cref="TensorDType"/>, in one place so readers and writers agree.</summary>
public static class TensorDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(this TensorDType dtype) => dtype switch
    {
        TensorDType.F64 or TensorDType.I64 => 8,
        TensorDType.F32 or TensorDType.I32 => 4,
        TensorDType.F16 or TensorDType.BF16 or TensorDType.I16 => 2,
        TensorDType.I8 or TensorDType.U8 or TensorDType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>The name used in safetensors headers ("F32", "BOOL", …).</summary>
    public static string ToSafetensorsName(this TensorDType dtype) =>
        dtype == TensorDType.Bool ? "BOOL" : dtype.ToString();

    /// <summary>Parses a safetensors dtype name ("F32", "BOOL", …); false for a name Condense cannot read, which a reader reports as an invalid file.</summary>
    public static bool TryParseSafetensorsName(string name, out TensorDType dtype)
    {
        switch (name)
        {
            case "F64": dtype = TensorDType.F64; return true;
            case "F32": dtype = TensorDType.F32; return true;
            case "F16": dtype = TensorDType.F16; return true;
            case "BF16": dtype = TensorDType.BF16; return true;
            case "I64": dtype = TensorDType.I64; return true;
            case "I32": dtype = TensorDType.I32; return true;
            case "I16": dtype = TensorDType.I16; return true;
            case "I8": dtype = TensorDType.I8; return true;
            case "U8": dtype = TensorDType.U8; return true;
            case "BOOL": dtype = TensorDType.Bool; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>True for the floating-point types Condense compresses.</summary>
    public static bool IsFloat(this TensorDType dtype) =>
        dtype is TensorDType.F64 or TensorDType.F32 or TensorDType.F16 or TensorDType.BF16;
}
