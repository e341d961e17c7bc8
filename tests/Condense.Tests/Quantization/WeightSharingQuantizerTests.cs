using Condense.Metrics;
using Condense.Quantization;

namespace Condense.Tests.Quantization;

public class WeightSharingQuantizerTests
{
    static float[] W(int rows, int cols, int seed = 0) =>
        WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.Normal, rows, cols, 0.05, seed));

    [Theory]
    [InlineData(1, false)] [InlineData(3, false)] [InlineData(5, true)] [InlineData(8, true)]
    public void ReconstructionUsesOnlyCodebookValuesAndMatchesTheSse(int bits, bool huffman)
    {
        var w = W(40, 50);
        var q = new WeightSharingQuantizer(new WeightSharingOptions(bits) { Huffman = huffman }).Quantize(w, [40, 50]);
        var r = q.Reconstruct();
        Assert.True(r.Distinct().Count() <= 1 << bits);
        Assert.All(r, v => Assert.Contains(v, q.Codebooks));
        Assert.Equal(q.Sse, ErrorMetrics.SumSquaredError(w, r), 6);
        // Exact sizes: codebook floats + packed indices (or stream + table).
        long expectedPayload = huffman ? q.Huffman!.Stream.Length : BitPacking.PackedLength(2000, bits);
        Assert.Equal(expectedPayload, q.Size.PayloadBytes);
        Assert.Equal((1 << bits) * 4, q.Size.CodebookBytes);
        Assert.Equal(8000, q.Size.OriginalBytes);
    }

    [Fact]
    public void PerChannelIsNoWorseThanPerTensor()
    {
        var w = W(30, 64, 4);
        for (int r = 0; r < 30; r++) for (int c = 0; c < 64; c++) w[r * 64 + c] *= 1 + r;   // rows of very different range
        var t = new WeightSharingQuantizer(new WeightSharingOptions(3)).Quantize(w, [30, 64]);
        var c2 = new WeightSharingQuantizer(new WeightSharingOptions(3) { Granularity = Granularity.PerChannel }).Quantize(w, [30, 64]);
        Assert.Equal(30, c2.Groups);
        Assert.True(c2.Sse < t.Sse);
        Assert.Equal(c2.Sse, ErrorMetrics.SumSquaredError(w, c2.Reconstruct()), 6);
    }

    [Fact]
    public void KeepZerosLeavesPrunedWeightsExactlyZero()
    {
        var w = WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.Sparse, 20, 30, 0.05, 1) { Sparsity = 0.7 });
        var q = new WeightSharingQuantizer(new WeightSharingOptions(4) { KeepZeros = true }).Quantize(w, [20, 30]).Reconstruct();
        for (int i = 0; i < w.Length; i++) Assert.Equal(w[i] == 0, q[i] == 0);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        Assert.Contains("9", Assert.Throws<CondenseException>(() => new WeightSharingOptions(9)).Message);
        Assert.Throws<CondenseException>(() => new WeightSharingOptions(0));
        var qz = new WeightSharingQuantizer(new WeightSharingOptions(4));
        Assert.Throws<CondenseException>(() => qz.Quantize([], [0]));
        Assert.Throws<CondenseException>(() => qz.Quantize([1f, float.PositiveInfinity], [2]));
        Assert.Throws<CondenseException>(() => qz.Quantize([1f, 2f, 3f], [2, 2]));
    }
}
