using Condense.Quantization;

namespace Condense.Tests.Quantization;

public class HuffmanTests
{
    [Theory]
    [InlineData(1, 100, 0)]
    [InlineData(2, 1000, 1)]
    [InlineData(16, 5000, 2)]
    [InlineData(256, 20000, 3)]
    public void RoundTripsAndIsNeverLongerThanFixedLengthPlusTable(int alphabet, int n, int seed)
    {
        var rng = new Random(seed);
        // Skewed (geometric-ish) symbols, like k-means indices of a bell-shaped layer.
        var s = Enumerable.Range(0, n).Select(_ => Math.Min(alphabet - 1, (int)(-Math.Log(1 - rng.NextDouble()) * alphabet / 6))).ToArray();
        var code = Huffman.Encode(s, alphabet);
        Assert.Equal(s, Huffman.Decode(code));
        int fixedBits = Math.Max(1, (int)Math.Ceiling(Math.Log2(alphabet)));
        Assert.True(code.BitLength <= (long)n * fixedBits, $"{code.BitLength} > {n * fixedBits}");
        Assert.True(code.StreamBytes + code.TableBytes <= BitPacking.PackedLength(n, fixedBits) + alphabet);
        Assert.Equal((code.BitLength + 7) / 8, code.StreamBytes);
    }

    [Fact]
    public void KnownFrequenciesGiveKnownLengths()
    {
        // a:4 b:2 c:1 d:1 → lengths 1, 2, 3, 3 and 4+4+3+3 = 14 bits.
        int[] s = [0, 0, 0, 0, 1, 1, 2, 3];
        var code = Huffman.Encode(s, 4);
        Assert.Equal([1, 2, 3, 3], code.CodeLengths.Select(b => (int)b));
        Assert.Equal(14, code.BitLength);
        Assert.Equal(s, Huffman.Decode(code));
    }

    [Fact]
    public void CorruptStreamIsACondenseException()
    {
        var code = Huffman.Encode([0, 1, 2, 3, 0, 1], 4);
        var bad = code with { Count = 100 };
        Assert.Throws<CondenseException>(() => Huffman.Decode(bad));
    }
}
