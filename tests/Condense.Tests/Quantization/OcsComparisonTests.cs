using Condense.Codecs;
using Condense.Formats.Onnx;
using Condense.Quantization;
using Condense.Tests.Formats.Onnx;

namespace Condense.Tests.Quantization;

/// <summary>OCS against clipping: the split layer folds back to W exactly, the grid's values are known, and ONNX Runtime decodes bf16 to the round trip.</summary>
public class OcsComparisonTests
{
    [Fact]
    public void FoldingTheSplitLayerGivesBackTheWeightExactly()
    {
        var random = new Random(3);
        var w = Enumerable.Range(0, 12 * 20).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        w[7] = 9f;   // an outlier in column 7
        var split = OutlierChannelSplitting.Split(w, 12, 20, 3);
        Assert.Equal(w, OcsComparison.Fold(split.Weights, split));   // halves add back exactly in binary floating point
        // 9 → two 4.5s → the larger half split twice more: every copy 2.25, the largest left.
        Assert.Equal(2.25f, OcsComparison.MaxAbs(split.Weights));
    }

    [Fact]
    public void TheSymmetricGridHasKnownValuesAndClippingSaturates()
    {
        // 3 bits: 3 steps each side; clip 3 → step 1.
        Assert.Equal(new[] { -3f, -2f, 0f, 1f, 3f, 3f }, OcsComparison.Uniform([-3.4f, -1.6f, 0.4f, 0.6f, 2.6f, 7f], 3, 3f));
        // One outlier among 10,000 weights in [−1, 1]: at 4 bits the MSE-optimal clip cuts it off.
        var w = Enumerable.Range(0, 10_000).Select(i => (float)Math.Sin(i)).Append(10f).ToArray();
        Assert.True(OcsComparison.MseOptimalClip(w, 4) < 5f);
    }

    [Fact]
    public void OnOutlierWeightsSplittingBeatsPlainAndEveryErrorIsMeasuredOnTheInputs()
    {
        var random = new Random(5);
        int rows = 32, cols = 64;
        var w = Enumerable.Range(0, rows * cols).Select(_ => (float)(random.NextDouble() - 0.5) * 0.2f).ToArray();
        w[3 * cols + 5] = 2f;
        var x = Enumerable.Range(0, 50 * cols).Select(_ => (float)random.NextDouble()).ToArray();
        var r = OcsComparison.Compare("fc", w, rows, cols, 4, 0.05, qs => qs.Select(q => OcsComparison.RelativeOutputError(w, q, rows, cols, x)).ToArray());
        Assert.Equal(4, r.Splits);
        Assert.True(r.Ocs < r.Plain, $"OCS {r.Ocs} vs plain {r.Plain}");
        Assert.True(r.Clipped < r.Plain);
        Assert.Equal(0, OcsComparison.RelativeOutputError(w, w, rows, cols, x));
    }

    [Fact]
    public void Bf16WeightsDecodedByOnnxRuntimeEqualTheRoundTrip()
    {
        var model = OnnxSamples.WeightOutput(out var weights, count: 3001);
        var result = OnnxCompressor.Compress(model, new OnnxCompressionOptions(OnnxCompressionMethod.Bf16, MinSize: 1));
        Assert.Equal("bf16", Assert.Single(result.Tensors, t => t.Compressed).Encoding);
        using var runner = new OnnxRuntimeRunner(Google.Protobuf.MessageExtensions.ToByteArray(result.Model), "bf16");
        var decoded = OnnxTensorData.ToFloat32(Assert.Single(runner.Run([])));
        Assert.Equal(FloatCast.RoundTripBFloat16(weights), decoded);
        Assert.Equal(1.0f, FloatCast.RoundTripBFloat16([1.00390625f])[0]);   // 1 + 2⁻⁸ ties to even: 1
    }
}
