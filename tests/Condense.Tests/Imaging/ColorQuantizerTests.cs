using Condense.Imaging;

namespace Condense.Tests.Imaging;

public class ColorQuantizerTests
{
    [Fact]
    public void OnePixelOneColorIsExact()
    {
        var image = new RgbImage(1, 1, [12, 200, 7]);
        var result = ColorQuantizer.Quantize(image, 1);
        Assert.Equal([new Rgb24(12, 200, 7)], result.Palette);
        Assert.Equal(0, result.MeanError);
    }

    [Fact]
    public void KOneGivesTheExactMeanColor()
    {
        var image = TestImages.Random(37, 23, seed: 5);
        long r = 0, g = 0, b = 0;
        for (var i = 0; i < image.PixelCount; i++)
        {
            r += image.Pixels[i * 3]; g += image.Pixels[(i * 3) + 1]; b += image.Pixels[(i * 3) + 2];
        }
        var n = (double)image.PixelCount;
        var expected = new Rgb24((byte)Math.Floor((r / n) + 0.5), (byte)Math.Floor((g / n) + 0.5), (byte)Math.Floor((b / n) + 0.5));

        var result = ColorQuantizer.Quantize(image, 1);

        Assert.Equal([expected], result.Palette);
        Assert.All(result.Indices.ToArray(), i => Assert.Equal(0, i));
        long total = 0;
        for (var i = 0; i < image.PixelCount; i++)
        {
            total += Rgb24.AbsoluteError(image[i % image.Width, i / image.Width], expected);
        }
        Assert.Equal(total, result.TotalError);
        Assert.Equal(0, result.Sizes.BitsPerIndex);
    }

    [Fact]
    public void KOneOnTheBundledCatIsItsMeanColor()
    {
        var image = SampleImages.Load("chelsea");
        var sums = new long[3];
        for (var i = 0; i < image.Pixels.Length; i++)
        {
            sums[i % 3] += image.Pixels[i];
        }
        var n = image.PixelCount;
        var result = ColorQuantizer.Quantize(image, 1);
        var mean = result.Palette.Single();
        Assert.True(Math.Abs(mean.R - ((double)sums[0] / n)) <= 0.5);
        Assert.True(Math.Abs(mean.G - ((double)sums[1] / n)) <= 0.5);
        Assert.True(Math.Abs(mean.B - ((double)sums[2] / n)) <= 0.5);
    }

    [Theory]
    [InlineData(37, 37)]
    [InlineData(37, 64)]
    [InlineData(256, 256)]
    [InlineData(3, 8)]
    public void KAtLeastTheDistinctColorsGivesZeroError(int distinct, int k)
    {
        var image = TestImages.Random(41, 29, seed: distinct, distinct: distinct);
        var result = ColorQuantizer.Quantize(image, k);
        Assert.Equal(0, result.TotalError);
        Assert.Equal(0, result.MaxError);
        Assert.Equal(distinct, result.DistinctColors);
        Assert.Equal(distinct, result.Palette.Count);
        Assert.Equal(image.Pixels, result.Reconstruct().Pixels);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(100)]
    public void ReportedErrorsMatchAnIndependentComputation(int k)
    {
        var image = SampleImages.Load("chelsea").Crop(100, 50, 120, 90);
        var result = ColorQuantizer.Quantize(image, k, seed: 3);
        var q = result.Reconstruct();
        Assert.Equal(TestImages.TotalAbsoluteError(image, q), result.TotalError);
        Assert.Equal((double)result.TotalError / image.PixelCount, result.MeanError, 12);
        for (var i = 0; i < image.PixelCount; i++)
        {
            var w = image[i % image.Width, i / image.Width];
            Assert.Equal(Rgb24.AbsoluteError(w, q[i % image.Width, i / image.Width]), result.Errors[i]);
        }
        Assert.True(result.Palette.Count <= k);
        Assert.Equal(result.Palette.Count, result.Palette.Distinct().Count());
    }

    [Fact]
    public void EveryPixelPointsToThePaletteEntryWithTheLeastError()
    {
        // Above the grid threshold (more than 8192 distinct colours), so the grid path runs too.
        var image = SampleImages.Load("coffee");
        var result = ColorQuantizer.Quantize(image, 24, seed: 1);
        for (var i = 0; i < image.PixelCount; i += 7)
        {
            var w = image[i % image.Width, i / image.Width];
            var best = result.Palette.Min(p => Rgb24.AbsoluteError(w, p));
            Assert.Equal(best, result.Errors[i]);
        }
    }

    [Fact]
    public void PaletteIsOrderedByUse()
    {
        var result = ColorQuantizer.Quantize(SampleImages.Load("chelsea"), 12);
        var counts = new int[result.Palette.Count];
        foreach (var i in result.Indices)
        {
            counts[i]++;
        }
        Assert.Equal(counts.OrderByDescending(c => c), counts);
        Assert.All(counts, c => Assert.True(c > 0));
    }

    [Theory]
    [InlineData(ColorInit.KMeansPlusPlus)]
    [InlineData(ColorInit.MedianCut)]
    public void SameSeedGivesTheSameResult(ColorInit init)
    {
        var image = SampleImages.Load("coffee");
        var options = new ColorQuantizerOptions { Colors = 32, Seed = 42, Init = init };
        var a = new ColorQuantizer(options).Quantize(image);
        var b = new ColorQuantizer(options).Quantize(image);
        Assert.Equal(a.Palette, b.Palette);
        Assert.True(a.Indices.SequenceEqual(b.Indices));
        Assert.Equal(IndexedPngWriter.Encode(a), IndexedPngWriter.Encode(b));
    }

    [Fact]
    public void AbsoluteErrorRefinementNeverRaisesTheError()
    {
        var image = SampleImages.Load("chelsea");
        foreach (var k in new[] { 2, 8, 32 })
        {
            var plain = new ColorQuantizer(new ColorQuantizerOptions { Colors = k, RefineAbsoluteError = false }).Quantize(image);
            var refined = new ColorQuantizer(new ColorQuantizerOptions { Colors = k }).Quantize(image);
            Assert.True(refined.TotalError <= plain.TotalError, $"k={k}: {refined.MeanError} > {plain.MeanError}");
        }
    }

    [Theory]
    [InlineData(8, 27.86)]
    [InlineData(32, 12.93)]
    [InlineData(256, 5.44)]
    public void CoffeeIsNoWorseThanScikitLearnKMeans(int k, double sklearnMeanError)
    {
        // scikit-learn 1.2 KMeans(n_init=1, k-means++, random_state=0) on the coffee photo's
        // pixels, measured with ../shared/peers/colorquant.py; Condense's default must match it.
        var result = ColorQuantizer.Quantize(SampleImages.Load("coffee"), k);
        Assert.True(result.MeanError <= sklearnMeanError, $"k={k}: {result.MeanError:F3} > sklearn's {sklearnMeanError}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    [InlineData(-3)]
    public void ColorsOutsideOneTo256AreRefusedQuotingTheValue(int k)
    {
        var ex = Assert.Throws<CondenseException>(() => new ColorQuantizer(new ColorQuantizerOptions { Colors = k }));
        Assert.Contains(k.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message);
    }

    [Fact]
    public void BadIterationSettingsAreRefused()
    {
        Assert.Throws<CondenseException>(() => new ColorQuantizer(new ColorQuantizerOptions { MaxIterations = 0 }));
        Assert.Throws<CondenseException>(() => new ColorQuantizer(new ColorQuantizerOptions { Tolerance = double.NaN }));
        Assert.Throws<CondenseException>(() => new ColorQuantizer(new ColorQuantizerOptions { Starts = 0 }));
    }

    [Fact]
    public void MoreStartsNeverRaiseTheSquaredErrorOnTheGrid()
    {
        var image = SampleImages.Load("coffee");
        var one = new ColorQuantizer(new ColorQuantizerOptions { Colors = 8, Starts = 1 }).Quantize(image);
        var five = new ColorQuantizer(new ColorQuantizerOptions { Colors = 8, Starts = 5 }).Quantize(image);
        Assert.True(five.Iterations > one.Iterations);
    }

    [Fact]
    public void SizesFollowTheBitsPerIndex()
    {
        var image = SampleImages.Load("chelsea");
        foreach (var (k, bits) in new[] { (2, 1), (3, 2), (4, 2), (5, 3), (16, 4), (17, 5), (256, 8) })
        {
            var sizes = ColorQuantizer.Quantize(image, k).Sizes;
            Assert.Equal(bits, sizes.BitsPerIndex);
            Assert.Equal(451L * 300 * 3, sizes.RawRgbBytes);
            Assert.Equal(((451L * 300 * bits) + 7) / 8, sizes.IndexBytes);
            Assert.Equal(k * 3L, sizes.PaletteBytes);
            Assert.Null(sizes.FileBytes);
        }
    }

    [Fact]
    public void WindowShowsTheCropsIndicesAndTheirColors()
    {
        var result = ColorQuantizer.Quantize(SampleImages.Load("chelsea"), 8);
        var window = result.Window(200, 100, 16, 12);
        Assert.Equal(16 * 12, window.Indices.Count);
        for (var row = 0; row < 12; row++)
        {
            for (var col = 0; col < 16; col++)
            {
                var src = ((100 + row) * result.Width) + 200 + col;
                Assert.Equal(result.Indices[src], window.Indices[(row * 16) + col]);
                Assert.Equal(result.Errors[src], window.Errors[(row * 16) + col]);
            }
        }
        Assert.Equal(window.Indices.Distinct().Select(i => (int)i).Order(), window.Entries);
        Assert.Equal(window.Entries.Select(e => result.Palette[e]), window.Colors);
        Assert.Throws<CondenseException>(() => result.Window(440, 0, 20, 5));
    }
}
