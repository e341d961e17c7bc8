using Condense.Imaging;

namespace Condense.Tests.Imaging;

public class ErrorMapTests
{
    [Fact]
    public void RampRunsFromWhiteToDeepRed()
    {
        Assert.Equal(new Rgb24(255, 255, 255), ErrorMap.Ramp(0));
        Assert.Equal(new Rgb24(139, 0, 0), ErrorMap.Ramp(255));
        Assert.Equal(0, ErrorMap.Level(0, 100));
        Assert.Equal(255, ErrorMap.Level(100, 100));
        Assert.Equal(255, ErrorMap.Level(700, 100));
        Assert.Equal(128, ErrorMap.Level(50, 100));
    }

    [Fact]
    public void ZeroErrorIsAllWhiteAndTheWorstPixelIsDeepRed()
    {
        var exact = ColorQuantizer.Quantize(TestImages.Random(9, 9, seed: 1, distinct: 5), 5);
        Assert.All(ErrorMap.Levels8(exact), l => Assert.Equal(0, l));

        var lossy = ColorQuantizer.Quantize(SampleImages.Load("chelsea"), 4);
        var levels = ErrorMap.Levels8(lossy);
        var worst = lossy.Errors.IndexOf((ushort)lossy.MaxError);
        Assert.Equal(255, levels[worst]);
        Assert.Equal(ErrorMap.DeepRed, ErrorMap.Render(lossy)[worst % lossy.Width, worst / lossy.Width]);
    }

    [Fact]
    public void PngDecodesToTheRenderedMap()
    {
        var q = ColorQuantizer.Quantize(SampleImages.Load("chelsea"), 8);
        var decoded = ImageDecoder.Decode(ErrorMap.EncodePng(q, scale: 120), "err.png");
        Assert.Equal(ErrorMap.Render(q, scale: 120).Pixels, decoded.Pixels);
        Assert.Throws<CondenseException>(() => ErrorMap.EncodePng(q, scale: 0));
    }
}
