using System.Runtime.InteropServices;
using Condense.Formats;
using Condense.Streaming;

namespace Condense.Tests.Streaming;

/// <summary>The vectorised widening of stored floats equals the scalar conversion, value by value (including the ragged tail).</summary>
public class TensorValuesTests
{
    static float[] Samples(int n)
    {
        var rng = new Random(7);
        var v = Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-6, 5)))).ToArray();
        v[0] = 0; v[1] = -0f; v[2] = 65504; v[3] = 6e-8f; v[4] = float.PositiveInfinity;
        return v;
    }

    [Theory]
    [InlineData(TensorDType.F16)]
    [InlineData(TensorDType.BF16)]
    [InlineData(TensorDType.F64)]
    public void WideningMatchesTheScalarConversion(TensorDType dtype)
    {
        var values = Samples(1003);
        byte[] raw = dtype switch
        {
            TensorDType.F16 => MemoryMarshal.AsBytes(values.Select(v => (Half)v).ToArray().AsSpan()).ToArray(),
            TensorDType.BF16 => MemoryMarshal.AsBytes(values.Select(v => (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)).ToArray().AsSpan()).ToArray(),
            _ => MemoryMarshal.AsBytes(values.Select(v => (double)v).ToArray().AsSpan()).ToArray(),
        };
        float[] expected = dtype switch
        {
            TensorDType.F16 => values.Select(v => (float)(Half)v).ToArray(),
            TensorDType.BF16 => values.Select(v => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(v) & 0xFFFF0000u)).ToArray(),
            _ => values,
        };
        var actual = new float[values.Length];
        TensorValues.Widen(raw, dtype, actual);
        Assert.Equal(expected.Select(BitConverter.SingleToUInt32Bits), actual.Select(BitConverter.SingleToUInt32Bits));
    }
}
