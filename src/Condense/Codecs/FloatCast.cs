namespace Condense.Codecs;

/// <summary>
/// Casts to 16-bit floats: IEEE fp16 (5-bit exponent: ±65504, fine steps, may overflow) and
/// bfloat16 (float32's 8-bit exponent, 8-bit significand: never overflows where float32 does not,
/// coarser steps). Both round to nearest, ties to even; 2 bytes a value. The one cast of the
/// codebase: <see cref="FloatCodec"/> (and through it the ONNX fp16/bf16 encodings) and
/// <see cref="EncodedTensor.Decode"/> use these, so every writer stores the same bits.
/// </summary>
public static class FloatCast
{
    /// <summary>Rounds each float32 to the nearest IEEE binary16 (round half to even) and returns the bit patterns, the form ONNX stores FLOAT16 in; halves the bytes at about 3 decimal digits.</summary>
    public static ushort[] ToFloat16(ReadOnlySpan<float> values)
    {
        var r = new ushort[values.Length];
        for (int i = 0; i < values.Length; i++) r[i] = BitConverter.HalfToUInt16Bits((Half)values[i]);
        return r;
    }

    /// <summary>Widens binary16 bit patterns back to float32 exactly (every half is a float): the inverse a reader or an error measurement needs.</summary>
    public static float[] FromFloat16(ReadOnlySpan<ushort> bits)
    {
        var r = new float[bits.Length];
        for (int i = 0; i < bits.Length; i++) r[i] = (float)BitConverter.UInt16BitsToHalf(bits[i]);
        return r;
    }

    /// <summary>Rounds each float32 to bfloat16 (its top 16 bits, round half to even, NaN kept NaN) and returns the bit patterns: float32's range at 8 bits of mantissa, so no overflow where fp16 would saturate.</summary>
    public static ushort[] ToBFloat16(ReadOnlySpan<float> values)
    {
        var r = new ushort[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            uint u = BitConverter.SingleToUInt32Bits(values[i]);
            if (float.IsNaN(values[i])) { r[i] = (ushort)((u >> 16) | 0x40); continue; }
            uint rounding = 0x7FFF + ((u >> 16) & 1);   // round to nearest, ties to even
            r[i] = (ushort)((u + rounding) >> 16);
        }
        return r;
    }

    /// <summary>Widens bfloat16 bit patterns back to float32 exactly (zero low mantissa bits).</summary>
    public static float[] FromBFloat16(ReadOnlySpan<ushort> bits)
    {
        var r = new float[bits.Length];
        for (int i = 0; i < bits.Length; i++) r[i] = BitConverter.UInt32BitsToSingle((uint)bits[i] << 16);
        return r;
    }

    /// <summary>Round trip through fp16 (what a model computes with after the cast).</summary>
    public static float[] RoundTripFloat16(ReadOnlySpan<float> values) => FromFloat16(ToFloat16(values));

    /// <summary>Round trip through bfloat16.</summary>
    public static float[] RoundTripBFloat16(ReadOnlySpan<float> values) => FromBFloat16(ToBFloat16(values));
}
