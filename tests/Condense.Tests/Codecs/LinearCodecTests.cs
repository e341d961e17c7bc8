using Condense.Codecs;
using Condense.Streaming;

namespace Condense.Tests.Codecs;

/// <summary>
/// The one linear codec, by known answers worked out by hand (ties of round-half-to-even, the
/// unsigned grid ONNX stores, a channel axis other than 0) and by the streaming row form, which
/// now calls the same code and must give the same integers.
/// </summary>
public class LinearCodecTests
{
    [Fact]
    public void Int8SymmetricRoundsHalfToEven()
    {
        // max |x| = 127, so γ = 1 and q = round(x): ties go to the even neighbour.
        float[] x = [0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 127f, -3.49f];
        var e = new LinearCodec(new LinearCodecOptions(8)).Encode(x, [x.Length], null);
        Assert.Equal(new[] { 1f }, e.Scales);
        Assert.Equal(new[] { 0, 2, 2, 0, -2, -2, 127, -3 }, e.Codes.Select(c => c + e.CodeOffset));
        Assert.Equal(new[] { 0f, 2, 2, 0, -2, -2, 127, -3 }, e.Decode());
        Assert.Equal(0.5, e.Error.MaxAbsoluteError, 6);
        Assert.Equal(0.25 * 6 + 0.49 * 0.49, e.Error.SumSquaredError, 4);
        Assert.Equal(x.Length + 4L, e.Size.TotalBytes);
        Assert.Equal((double)(x.Length + 4) / (4 * x.Length), e.Ratio, 12);
    }

    [Fact]
    public void UnsignedAsymmetricGridHasTheZeroPointOnALevel()
    {
        // [−1, 3] on 0..3: γ = 4/3, β = round(0.75) = 1; −1 → round(−0.75) + 1 = 0, 3 → round(2.25) + 1 = 3.
        var e = new LinearCodec(new LinearCodecOptions(2, LinearGrid.Unsigned) { Symmetric = false }).Encode([-1f, 0f, 3f], [3], null);
        Assert.Equal(new[] { 4f / 3 }, e.Scales);
        Assert.Equal(new[] { 1 }, e.ZeroPoints);
        Assert.Equal(new[] { 0, 1, 3 }, e.Codes.Select(c => (int)c));
        Assert.Equal(new[] { -(4f / 3), 0f, 2 * (4f / 3) }, e.Decode());
    }

    [Fact]
    public void ChannelsAlongTheLastAxisMatchTheTransposedTensorAlongTheFirst()
    {
        var rng = new Random(5);
        int rows = 7, cols = 33;
        var w = Enumerable.Range(0, rows * cols).Select(_ => (float)(rng.NextDouble() - 0.5) * (1 + rng.Next(4))).ToArray();
        var t = new float[w.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
        var codec = new LinearCodec(new LinearCodecOptions(4) { Symmetric = false });
        var byColumn = codec.Encode(w, [rows, cols], 1);
        var byRow = codec.Encode(t, [cols, rows], 0);
        Assert.Equal(byRow.Scales, byColumn.Scales);
        Assert.Equal(byRow.ZeroPoints, byColumn.ZeroPoints);
        Assert.Equal(cols, byColumn.Scales.Length);
        var decoded = byColumn.Decode();
        var decodedT = byRow.Decode();
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) Assert.Equal(decodedT[c * rows + r], decoded[r * cols + c]);
    }

    [Theory]
    [InlineData(37, 129, 1)]
    [InlineData(8, 4096, 2)]
    [InlineData(3, 5, 3)]
    public void StreamingRowsAreTheCodecPerChannel(int rows, int cols, int seed)
    {
        var rng = new Random(seed);
        var x = new float[rows * cols];
        for (var i = 0; i < x.Length; i++) x[i] = (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-3, 2)));
        for (var c = 0; c < Math.Min(cols, 4); c++) x[c] = c * 0.5f;          // exact ties
        Array.Clear(x, cols, Math.Min(cols, x.Length - cols));               // an all-zero row
        var e = new LinearCodec(new LinearCodecOptions(8)).Encode(x, [rows, cols], 0);
        var codes = new sbyte[cols];
        for (var r = 0; r < rows; r++)
        {
            Assert.Equal(e.Scales[r], Int8PerChannelCompressor.QuantizeRow(x.AsSpan(r * cols, cols), codes));
            for (var c = 0; c < cols; c++) Assert.Equal(e.Codes[r * cols + c] + e.CodeOffset, codes[c]);
        }
        Assert.True(float.IsNaN(Int8PerChannelCompressor.QuantizeRow([1f, float.NaN], new sbyte[2])));
    }

    [Fact]
    public void AsymmetricTernaryIsRefused() =>
        Assert.Throws<CondenseException>(() => new LinearCodecOptions(2, LinearGrid.Ternary) { Symmetric = false });
}
