using Condense.Quantization;

namespace Condense.Tests.Quantization;

public class BitPackingTests
{
    [Theory]
    [InlineData(1)] [InlineData(3)] [InlineData(4)] [InlineData(5)] [InlineData(8)] [InlineData(12)]
    public void RoundTripsInExactlyCeilNBitsOver8Bytes(int bits)
    {
        var rng = new Random(bits);
        var v = Enumerable.Range(0, 1001).Select(_ => rng.Next(1 << bits)).ToArray();
        var packed = BitPacking.Pack(v, bits);
        Assert.Equal((1001 * bits + 7) / 8, packed.Length);
        var back = new int[v.Length];
        BitPacking.Unpack(packed, bits, back);
        Assert.Equal(v, back);
    }

    [Fact]
    public void FourBitValuesShareAByteLowNibbleFirst() =>
        Assert.Equal([0x21, 0x03], BitPacking.Pack([1, 2, 3], 4));
}
