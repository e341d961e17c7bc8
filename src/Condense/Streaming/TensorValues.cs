using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Condense.Formats;

namespace Condense.Streaming;

/// <summary>Widens stored floating-point bytes (F32, F64, F16, BF16) to float32, a chunk at a time.</summary>
internal static class TensorValues
{
    public static void Widen(ReadOnlySpan<byte> raw, TensorDType dtype, Span<float> destination)
    {
        switch (dtype)
        {
            case TensorDType.F32:
                MemoryMarshal.Cast<byte, float>(raw).CopyTo(destination);
                break;
            case TensorDType.F64:
            {
                var d = MemoryMarshal.Cast<byte, double>(raw);
                for (var i = 0; i < d.Length; i++) destination[i] = (float)d[i];
                break;
            }
            case TensorDType.F16:
            {
                // Vectorised (F16C where the CPU has it) by System.Numerics.Tensors, which ONNX Runtime already brings.
                System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(raw), destination);
                break;
            }
            case TensorDType.BF16:
                WidenBFloat16(MemoryMarshal.Cast<byte, ushort>(raw), destination);
                break;
            default:
                throw new CondenseException($"cannot read {dtype.ToSafetensorsName()} as floating-point values");
        }
    }

    /// <summary>bfloat16 is the top half of a float32: widening is a 16-bit shift (vectorised).</summary>
    static void WidenBFloat16(ReadOnlySpan<ushort> bits, Span<float> destination)
    {
        var output = MemoryMarshal.Cast<float, uint>(destination);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<ushort>.Count <= bits.Length; i += Vector256<ushort>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Create(bits.Slice(i, Vector256<ushort>.Count)));
                Vector256.ShiftLeft(lo, 16).CopyTo(output[i..]);
                Vector256.ShiftLeft(hi, 16).CopyTo(output[(i + Vector256<uint>.Count)..]);
            }
        }
        for (; i < bits.Length; i++) output[i] = (uint)bits[i] << 16;
    }

    /// <summary>Float value of a 16-bit pattern of <paramref name="dtype"/> (BF16 or F16).</summary>
    public static float FromBits16(ushort bits, TensorDType dtype) => dtype switch
    {
        TensorDType.BF16 => BitConverter.Int32BitsToSingle(bits << 16),
        TensorDType.F16 => (float)BitConverter.UInt16BitsToHalf(bits),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };
}
