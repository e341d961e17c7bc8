using Condense.Quantization.Gptq;
using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Tests.Quantization.Gptq;

public sealed class Im2ColTests
{
    [Theory]
    [InlineData(3, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)]
    [InlineData(4, 10, 11, 3, 2, 2, 1, 1, 0, 1, 2, 1, 2)]
    [InlineData(6, 7, 7, 3, 3, 2, 2, 2, 1, 0, 1, 2, 3)]
    [InlineData(2, 12, 12, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1)]
    public void Patches_times_the_weight_match_a_direct_convolution(int c, int h, int w, int kh, int kw,
        int sh, int sw, int padTop, int padLeft, int padBottom, int padRight, int dilation, int group)
    {
        var g = new ConvGeometry(c, h, w, kh, kw, sh, sw, padTop, padLeft, padBottom, padRight, dilation, dilation, group);
        var rng = new Random(c * 31 + h);
        var image = Enumerable.Range(0, c * h * w).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        int outPerGroup = 2, outChannels = outPerGroup * group;
        var weight = Enumerable.Range(0, outChannels * g.PatchSize).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();

        using var scope = NewDisposeScope();
        var x = tensor(image, new long[] { 1, c, h, w });
        // TorchSharp pads symmetrically; asymmetric ONNX pads are an explicit zero pad first.
        var padded = nn.functional.pad(x, new long[] { padLeft, padRight, padTop, padBottom });
        var expected = nn.functional.conv2d(padded, tensor(weight, new long[] { outChannels, c / group, kh, kw }),
            strides: new long[] { sh, sw }, dilation: new long[] { dilation, dilation }, groups: group).data<float>().ToArray();
        Assert.Equal(outChannels * g.Patches, expected.Length);
        for (int gi = 0; gi < group; gi++)
        {
            var patches = Im2Col.Patches(image, g, gi);
            for (int o = 0; o < outPerGroup; o++)
            {
                var oc = gi * outPerGroup + o;
                for (int p = 0; p < g.Patches; p++)
                {
                    double v = 0;
                    for (int k = 0; k < g.PatchSize; k++) v += weight[oc * g.PatchSize + k] * patches[p * g.PatchSize + k];
                    Assert.Equal(expected[oc * g.Patches + p], v, 1e-5);
                }
            }
        }
    }

    [Fact]
    public void A_kernel_that_does_not_fit_is_refused()
    {
        Assert.Equal("the convolution kernel does not fit the input: it spans 3 rows, the padded input has 2",
            Assert.Throws<CondenseException>(() => new ConvGeometry(1, 2, 2, 3, 3)).Message);
        // A stride used to round a negative span up to one output row; the kernel still does not fit.
        Assert.Throws<CondenseException>(() => new ConvGeometry(1, 2, 2, 3, 3, StrideHeight: 2, StrideWidth: 2));
    }
}
