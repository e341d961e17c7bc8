using System.Buffers.Binary;
using Condense.Imaging;

namespace Condense.Tests.Imaging;

public class IndexedPngWriterTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 2)]
    [InlineData(5, 4)]
    [InlineData(16, 4)]
    [InlineData(17, 8)]
    [InlineData(256, 8)]
    public void DecodesWithSkiaSharpToExactlyTheReconstructedPixels(int k, int depth)
    {
        // Odd widths exercise the packing of 1-, 2- and 4-bit rows.
        var height = Math.Max(7, (k / 13) + 2);
        var image = TestImages.Random(13, height, seed: k, distinct: k);
        if (k == 1)
        {
            image = new RgbImage(13, height, Enumerable.Repeat(new byte[] { 9, 8, 7 }, 13 * height).SelectMany(x => x).ToArray());
        }
        var result = ColorQuantizer.Quantize(image, k);
        Assert.Equal(k, result.Palette.Count);
        var png = IndexedPngWriter.Encode(result);

        Assert.Equal(depth, png[24]);
        Assert.Equal(3, png[25]);
        var decoded = ImageDecoder.Decode(png, "test.png");
        Assert.Equal(result.Reconstruct().Pixels, decoded.Pixels);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(256)]
    public void PhotoRoundTripsAndTheReportedSizeIsTheFileSize(int k)
    {
        var result = ColorQuantizer.Quantize(SampleImages.Load("chelsea"), k);
        var dir = Directory.CreateTempSubdirectory("condense-png-");
        try
        {
            var path = Path.Combine(dir.FullName, "q.png");
            var written = IndexedPngWriter.Write(path, result);
            Assert.Equal(new FileInfo(path).Length, written);
            Assert.Equal(result.Reconstruct().Pixels, ImageDecoder.Decode(path).Pixels);
            Assert.Single(Directory.GetFiles(dir.FullName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void ChunksCarryCorrectCrcsAndThePaletteIsThePlte()
    {
        var result = ColorQuantizer.Quantize(SampleImages.Load("chelsea"), 6);
        var png = IndexedPngWriter.Encode(result);
        Assert.Equal(PngBytes.Signature, png[..8]);
        var types = new List<string>();
        var at = 8;
        while (at < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            Assert.Equal(PngBytes.Crc(png.AsSpan(at + 4, 4 + length)), crc);
            if (type == "PLTE")
            {
                Assert.Equal(result.Palette.Count * 3, length);
                for (var i = 0; i < result.Palette.Count; i++)
                {
                    Assert.Equal(result.Palette[i], new Rgb24(png[at + 8 + (i * 3)], png[at + 9 + (i * 3)], png[at + 10 + (i * 3)]));
                }
            }
            types.Add(type);
            at += 12 + length;
        }
        Assert.Equal(["IHDR", "PLTE", "IDAT", "IEND"], types);
    }

    [Fact]
    public void IndicesOutsideThePaletteAreRefused()
    {
        var ex = Assert.Throws<CondenseException>(() =>
            IndexedPngWriter.Encode(2, 1, [new Rgb24(0, 0, 0), new Rgb24(1, 1, 1), new Rgb24(2, 2, 2)], [0, 3]));
        Assert.Contains("3", ex.Message);
    }
}
