using Condense.Imaging;

namespace Condense.Tests.Imaging;

public class ImageDecoderTests
{
    [Fact]
    public void DecodesTheBundledPhotos()
    {
        var cat = SampleImages.Load("chelsea");
        Assert.Equal((451, 300), (cat.Width, cat.Height));
        var coffee = SampleImages.Load("coffee");
        Assert.Equal((600, 400), (coffee.Width, coffee.Height));
        var square = SampleImages.Load512("coffee");
        Assert.Equal((512, 512), (square.Width, square.Height));
        Assert.Throws<CondenseException>(() => SampleImages.Load("dog"));
    }

    [Fact]
    public void DecodesAHandMadePngExactly()
    {
        var image = ImageDecoder.Decode(PngBytes.Tiny(), "tiny.png");
        Assert.Equal(new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30 }, image.Pixels);
    }

    [Fact]
    public void HugeHeaderIsRefusedBeforeAllocating()
    {
        var png = PngBytes.WithHeader(100_000, 100_000);
        Assert.True(png.Length < 200);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<InvalidFileException>(() => ImageDecoder.Decode(png, "huge.png"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("100000×100000", ex.Message);
        Assert.Contains("limit", ex.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void PixelLimitIsConfigurable()
    {
        var png = SampleImages.LoadPng("chelsea");
        var ex = Assert.Throws<InvalidFileException>(() => ImageDecoder.Decode(png, "cat.png", new ImageDecodeOptions { MaxPixels = 451 * 300 - 1 }));
        Assert.Contains("135300", ex.Message);
        Assert.Equal(451 * 300, ImageDecoder.Decode(png, "cat.png", new ImageDecodeOptions { MaxPixels = 451 * 300 }).PixelCount);
    }

    public static TheoryData<string, byte[]> Hostile()
    {
        var cat = SampleImages.LoadPng("chelsea");
        var corrupt = (byte[])cat.Clone();
        for (var i = 200; i < corrupt.Length - 20; i += 97)
        {
            corrupt[i] ^= 0x5A;
        }
        return new TheoryData<string, byte[]>
        {
            { "empty", [] },
            { "text", "hello, this is not an image"u8.ToArray() },
            { "signature only", PngBytes.Signature },
            { "truncated header", cat[..20] },
            { "truncated data", cat[..(cat.Length / 2)] },
            { "corrupt data", corrupt },
            { "zero width", PngBytes.WithHeader(0, 10) },
            { "zero height", PngBytes.WithHeader(10, 0) },
            { "huge", PngBytes.WithHeader(100_000, 100_000) },
            { "negative size", PngBytes.WithHeader(-5, 10) },
            { "bmp", PngBytes.Bmp() },
        };
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostileBytesGiveOneInvalidFileException(string name, byte[] bytes)
    {
        var ex = Assert.Throws<InvalidFileException>(() => ImageDecoder.Decode(bytes, $"{name}.png"));
        Assert.StartsWith($"{name}.png: ", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void OtherFormatsAreNamedAsUnsupported()
    {
        var ex = Assert.Throws<InvalidFileException>(() => ImageDecoder.Decode(PngBytes.Bmp(), "x.bmp"));
        Assert.Contains("unsupported image format", ex.Message);
    }
}
