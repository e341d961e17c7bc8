using Condense.Quantization;
using Condense.Streaming;

namespace Condense.Tests.Streaming;

/// <summary>The streaming int8 kernel is the linear quantizer (Int8, symmetric, per channel, min-max) in vectorised form: same scales, same codes.</summary>
public class Int8MatchesLinearQuantizerTests
{
    [Theory]
    [InlineData(37, 129, 1)]
    [InlineData(8, 4096, 2)]
    [InlineData(3, 5, 3)]
    public void SameScalesAndCodes(int rows, int cols, int seed)
    {
        var rng = new Random(seed);
        var x = new float[rows * cols];
        for (var i = 0; i < x.Length; i++) x[i] = (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-3, 2)));
        // Exact ties of round-half-to-even: multiples of half a step.
        for (var c = 0; c < Math.Min(cols, 4); c++) x[c] = c * 0.5f;
        Array.Clear(x, cols, Math.Min(cols, x.Length - cols)); // an all-zero row when rows > 1
        var reference = new LinearQuantizer(new LinearQuantizationOptions(LinearPrecision.Int8) { Granularity = Granularity.PerChannel })
            .Quantize(x, [rows, cols]);
        var q = reference.Integers();
        var codes = new sbyte[cols];
        for (var r = 0; r < rows; r++)
        {
            var scale = Int8PerChannelCompressor.QuantizeRow(x.AsSpan(r * cols, cols), codes);
            Assert.Equal(reference.Scales[r], scale);
            for (var c = 0; c < cols; c++) Assert.Equal(q[r * cols + c], codes[c]);
        }
    }
}
