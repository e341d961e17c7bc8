using Condense.Codecs;
using Condense.Quantization;

namespace Condense.Tests.Codecs;

/// <summary>Known answers of the fp16/bf16, k-means and relative-index codecs, worked out by hand.</summary>
public class CodecKnownAnswerTests
{
    [Fact]
    public void Float16AndBFloat16StoreTheirBitPatterns()
    {
        var fp16 = new FloatCodec().Encode([1f / 3, -2f], [2], null);
        Assert.Equal(new byte[] { 0x55, 0x35, 0x00, 0xC0 }, fp16.Codes);             // 0x3555, 0xC000 little-endian
        Assert.Equal(new[] { (float)(Half)(1f / 3), -2f }, fp16.Decode());
        Assert.Equal(4, fp16.Size.TotalBytes);
        Assert.Equal(0.5, fp16.Ratio);
        var bf16 = new FloatCodec(bfloat16: true).Encode([1.00390625f, 1.01171875f], [2], null);
        Assert.Equal(new[] { 1f, 1.015625f }, bf16.Decode());                         // ties to even: 1 + 2⁻⁸ → 1, 1 + 3·2⁻⁸ → 1 + 2⁻⁶
    }

    [Fact]
    public void KMeansSharesTheTwoClusterMeans()
    {
        var e = new KMeansCodec(1).Encode([0f, 0f, 1f, 1f, 10f, 10f], [6], null);
        Assert.Equal(new[] { 0.5f, 10f }, e.Codebook);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 1, 1 }, e.Codes);
        Assert.Equal(1.0, e.Error.SumSquaredError, 12);
        Assert.Equal(1.0, e.Fit!.Sse, 9);
        Assert.Equal(1 + 8, e.Size.TotalBytes);                                       // 6 one-bit indices in a byte, two float32 centroids
    }

    [Fact]
    public void KMeansPerChannelAlongTheLastAxisIsTheTransposeAlongTheFirst()
    {
        float[] w = [1, 5, 2, 6, 10, 70];                                              // [3, 2]: columns (1, 2, 10) and (5, 6, 70)
        var byColumn = new KMeansCodec(1).Encode(w, [3, 2], 1);
        var byRow = new KMeansCodec(1).Encode([1, 2, 10, 5, 6, 70], [2, 3], 0);
        Assert.Equal(byRow.Codebook, byColumn.Codebook);
        Assert.Equal(new[] { 1.5f, 10f, 5.5f, 70f }, byColumn.Codebook);
        Assert.Equal(new[] { 1.5f, 5.5f, 1.5f, 5.5f, 10f, 70f }, byColumn.Decode());
    }

    [Fact]
    public void RelativeIndexPadsLongRunsAndCoversTheTail()
    {
        var dense = new float[10];
        dense[2] = 5;
        // 2-bit gaps (a padding entry advances 4): 5 at 2 (gap 2); the tail at 9 is 6 zeros on → pad (3), gap 2.
        var (gaps, sources) = RelativeIndex.Encode<float>(dense, 2, coverTail: true);
        Assert.Equal(new byte[] { 2, 3, 2 }, gaps);
        Assert.Equal(new[] { 2, -1, 9 }, sources);
        Assert.Equal(3, RelativeIndex.EntriesFor<float>(dense, 2, coverTail: true));
        Assert.Equal(1, RelativeIndex.EntriesFor<float>(dense, 2));
        Assert.Equal(new long[] { 2, 6, 9 }, RelativeIndex.Positions<byte>(gaps, 10, "t"));
        Assert.Throws<CondenseException>(() => RelativeIndex.Positions<byte>(gaps, 9, "t"));
    }
}
