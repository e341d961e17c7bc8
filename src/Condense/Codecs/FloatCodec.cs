using System.Buffers.Binary;
using Condense.Quantization;

namespace Condense.Codecs;

/// <summary>
/// The 16-bit float casts as a codec: IEEE fp16 (fine steps, overflows past ±65504) or bfloat16
/// (float32's range, coarser steps), 2 bytes a value, round to nearest even. A codec rather than
/// a bare cast so the ONNX encodings, model files and reports get the same value (codes, size,
/// error) as every other method.
/// </summary>
/// <param name="bfloat16">bfloat16 instead of fp16.</param>
public sealed class FloatCodec(bool bfloat16 = false) : ITensorCodec
{
    /// <summary>Whether this is the bfloat16 cast.</summary>
    public bool BFloat16 { get; } = bfloat16;

    /// <summary>Casts every value (the channel axis does not apply: each value is its own code).</summary>
    public EncodedTensor Encode(ReadOnlySpan<float> values, long[] shape, int? channelAxis)
    {
        long count = ShapeCheck.Count(values.Length, shape, BFloat16 ? "bf16" : "fp16");
        ShapeCheck.Finite(values, BFloat16 ? "bf16" : "fp16");
        var bits = BFloat16 ? FloatCast.ToBFloat16(values) : FloatCast.ToFloat16(values);
        var codes = new byte[bits.Length * 2];
        for (int i = 0; i < bits.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(codes.AsSpan(i * 2), bits[i]);
        var encoded = new EncodedTensor
        {
            Kind = BFloat16 ? CodecKind.BFloat16 : CodecKind.Float16,
            Shape = (long[])shape.Clone(),
            Bits = 16,
            Codes = codes,
            Size = new SizeBreakdown(count * 4, count * 2, 0, 0, 0),
            Error = TensorError.Zero,
        };
        return encoded with { Error = TensorError.Of(values, encoded.Decode()) };
    }
}
