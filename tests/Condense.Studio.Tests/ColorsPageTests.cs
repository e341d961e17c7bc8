using System.Globalization;
using Condense.Imaging;
using Microsoft.Playwright;
using SkiaSharp;

namespace Condense.Studio.Tests;

/// <summary>Pages 1 and 2 in the browser, checked against <see cref="ColorQuantizer"/> run here.</summary>
[Collection("Studio")]
[Trait("Category", "Slow")]
public sealed class ColorsPageTests(StudioFixture studio)
{
    static QuantizedImage Library(int k) =>
        new ColorQuantizer(new ColorQuantizerOptions { Colors = k, Seed = new StudioOptions().Seed }).Quantize(SampleImages.Load("chelsea"));

    [Fact]
    public async Task Sharing_colours_shows_the_librarys_palette_indices_and_sizes()
    {
        var (page, errors) = await studio.OpenAsync("colours");
        await Assertions.Expect(page.GetByTestId("quantized")).ToBeVisibleAsync();
        var slider = page.GetByTestId("k-slider");

        await Browser.SlideToAsync(slider, 1);
        await Assertions.Expect(page.Locator("[data-testid=palette] .swatch")).ToHaveCountAsync(1);

        await Browser.SlideToAsync(slider, 12);
        var expected = Library(12);
        await Assertions.Expect(page.Locator("[data-testid=palette] .swatch")).ToHaveCountAsync(expected.Palette.Count);
        Assert.InRange(expected.Palette.Count, 2, 12);

        // The hover window names the pixel's index and the palette colour it points to.
        await Browser.HoverPixelAsync(page.GetByTestId("quantized"), 200, 120, expected.Width, expected.Height);
        var (x, y) = await HoveredPixelAsync(page.GetByTestId("hover-caption"));
        Assert.InRange(x, 199, 201);
        Assert.InRange(y, 119, 121);
        var index = expected.Indices[y * expected.Width + x];
        var colour = expected.Palette[index];
        await Assertions.Expect(page.GetByTestId("hover-caption"))
            .ToHaveTextAsync($"pixel ({x}, {y}) → index {index} → palette colour rgb({colour.R},{colour.G},{colour.B})");
        await Assertions.Expect(page.GetByTestId("hover-window").Locator("td")).ToHaveCountAsync(25);

        // Sizes: raw is 3 bytes a pixel; the PNG is the library's real indexed PNG.
        var raw = (long)expected.Width * expected.Height * 3;
        await Assertions.Expect(page.GetByTestId("size-raw")).ToHaveTextAsync(FormatBytes(raw));
        var png = IndexedPngWriter.Encode(expected).LongLength;
        await Assertions.Expect(page.GetByTestId("size-png")).ToHaveTextAsync(FormatBytes(png));
        Assert.True(png < raw);

        // The quantized canvas really is drawn with palette colours only.
        var distinct = await page.EvaluateAsync<int>(@"() => {
            const c = document.querySelector('[data-testid=quantized]');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            const s = new Set();
            for (let i = 0; i < d.length; i += 4) s.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
            return s.size; }");
        Assert.Equal(expected.Palette.Count, distinct);
        Assert.Empty(errors);
        await StudioFixture.ScreenshotAsync(page, "1-sharing-colours");
    }

    [Fact]
    public async Task Measuring_error_shows_the_librarys_mean_error_and_it_falls_with_k()
    {
        var (page, errors) = await studio.OpenAsync("error");
        var slider = page.GetByTestId("k-slider");
        await Assertions.Expect(page.GetByTestId("mean-error")).ToBeVisibleAsync();

        await Browser.SlideToAsync(slider, 1);
        await Assertions.Expect(page.GetByTestId("result-k")).ToHaveTextAsync("1");
        var shownAtOne = await Browser.DataValueAsync(page.GetByTestId("mean-error"));

        // Independent computation: mean over pixels of Σ_c |x − c| for the one shared colour.
        var image = SampleImages.Load("chelsea");
        var single = Library(1);
        Assert.Single(single.Palette);
        var c = single.Palette[0];
        double total = 0;
        for (var i = 0; i < image.Pixels.Length; i += 3)
            total += Math.Abs(image.Pixels[i] - c.R) + Math.Abs(image.Pixels[i + 1] - c.G) + Math.Abs(image.Pixels[i + 2] - c.B);
        Assert.Equal(total / image.PixelCount, shownAtOne, 9);
        Assert.Equal(single.MeanError, shownAtOne, 9);

        await Browser.SlideToAsync(slider, 16);
        await Assertions.Expect(page.GetByTestId("result-k")).ToHaveTextAsync("16");
        var shownAt16 = await Browser.DataValueAsync(page.GetByTestId("mean-error"));
        Assert.Equal(Library(16).MeanError, shownAt16, 9);
        Assert.True(shownAt16 < shownAtOne / 2, $"mean error at k=16 ({shownAt16}) should be far below k=1 ({shownAtOne})");

        // Hovering the red map shows that pixel's E_i.
        var q16 = Library(16);
        await Browser.HoverPixelAsync(page.GetByTestId("error-map"), 100, 50, q16.Width, q16.Height);
        var (x, y) = await HoveredPixelAsync(page.GetByTestId("hover-pixel"));
        await Assertions.Expect(page.GetByTestId("hover-error")).ToHaveTextAsync(Fmt(q16.Errors[y * q16.Width + x]));
        // The map is drawn from E_i the browser computes (original vs the PNG it was sent): its mean is the library's.
        Assert.Equal(q16.MeanError, double.Parse((await page.GetByTestId("error-map").GetAttributeAsync("data-map-mean"))!, CultureInfo.InvariantCulture), 9);

        await Assertions.Expect(page.GetByTestId("error-curve").Locator("svg")).ToBeVisibleAsync();
        Assert.Empty(errors);
        await StudioFixture.ScreenshotAsync(page, "2-measuring-error");
    }

    [Fact]
    public async Task Uploaded_photo_is_quantized_by_the_library_as_the_slider_moves()
    {
        // A real photo the Studio does not bundle: a mirrored 320×240 crop of coffee, as a JPEG.
        var path = Path.Combine(AppContext.BaseDirectory, "upload-coffee-crop.jpg");
        await File.WriteAllBytesAsync(path, CropJpeg(SampleImages.Load("coffee"), 140, 80, 320, 240));
        var photo = ImageDecoder.Decode(await File.ReadAllBytesAsync(path), path);
        Assert.Equal((320, 240), (photo.Width, photo.Height));

        var (page, errors) = await studio.OpenAsync("colours");
        await Assertions.Expect(page.GetByTestId("quantized")).ToBeVisibleAsync();
        await page.GetByTestId("image-upload").SetInputFilesAsync(path);
        await Assertions.Expect(page.GetByTestId("image-select").Locator("option:checked")).ToHaveTextAsync("upload (320×240)");
        await Assertions.Expect(page.GetByText("original, 320×240")).ToBeVisibleAsync();

        foreach (var k in new[] { 5, 9 })
        {
            await Browser.SlideToAsync(page.GetByTestId("k-slider"), k);
            var expected = new ColorQuantizer(new ColorQuantizerOptions { Colors = k, Seed = new StudioOptions().Seed }).Quantize(photo);
            await Assertions.Expect(page.Locator("[data-testid=palette] .swatch")).ToHaveCountAsync(expected.Palette.Count);
            await Assertions.Expect(page.GetByTestId("mean-error")).ToHaveAttributeAsync("data-value", expected.MeanError.ToString("R", CultureInfo.InvariantCulture));

            // The canvas shows at most k colours, and every pixel is the library's Q.
            var drawn = Convert.FromBase64String(await page.EvaluateAsync<string>(@"() => {
                const c = document.querySelector('[data-testid=quantized]');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let s = '';
                for (let i = 0; i < d.length; i += 4) s += String.fromCharCode(d[i], d[i + 1], d[i + 2]);
                return btoa(s); }"));
            var distinct = Enumerable.Range(0, drawn.Length / 3).Select(i => (drawn[3 * i] << 16) | (drawn[3 * i + 1] << 8) | drawn[3 * i + 2]).Distinct().Count();
            Assert.InRange(distinct, 2, k);
            Assert.Equal(expected.Palette.Count, distinct);
            Assert.Equal(expected.Reconstruct().Pixels, drawn);
        }
        Assert.Empty(errors);
        await StudioFixture.ScreenshotAsync(page, "1-sharing-colours-upload");
    }

    [Fact]
    public async Task Malformed_photo_upload_gets_a_clear_message_and_the_page_keeps_working()
    {
        var bad = Path.Combine(AppContext.BaseDirectory, "not-a-photo.png");
        await File.WriteAllBytesAsync(bad, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 1, 2, 3]);
        var (page, _) = await studio.OpenAsync("colours");
        await Assertions.Expect(page.GetByTestId("quantized")).ToBeVisibleAsync();
        await page.GetByTestId("image-upload").SetInputFilesAsync(bad);
        await Assertions.Expect(page.GetByTestId("error")).ToContainTextAsync("not-a-photo.png");
        var message = await page.GetByTestId("error").InnerTextAsync();
        Assert.DoesNotContain("\n", message.Trim());
        await StudioFixture.ScreenshotAsync(page, "1-sharing-colours-malformed");

        // Over HTTP: 400 with a one-line JSON message, and the server still answers slider steps.
        using (var response = await studio.Http.PostAsync("/api/colours/upload", new ByteArrayContent([1, 2, 3, 4, 5])))
        {
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync());
        }
        await Browser.SlideToAsync(page.GetByTestId("k-slider"), 3);
        await Assertions.Expect(page.Locator("[data-testid=palette] .swatch")).ToHaveCountAsync(Library(3).Palette.Count);
    }

    [Fact]
    public async Task Photo_upload_over_the_limit_is_refused_with_413()
    {
        var big = new byte[studio.Options.MaxUploadBytes + 1];
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/colours/upload") { Content = new ByteArrayContent(big) })
        {
            request.Headers.ExpectContinue = true;
            using var response = await studio.Http.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }
        var path = Path.Combine(AppContext.BaseDirectory, "too-big-photo.png");
        await File.WriteAllBytesAsync(path, big);
        var (page, _) = await studio.OpenAsync("colours");
        await Assertions.Expect(page.GetByTestId("quantized")).ToBeVisibleAsync();
        await page.GetByTestId("image-upload").SetInputFilesAsync(path);
        await Assertions.Expect(page.GetByTestId("error")).ToContainTextAsync("larger than the Studio accepts");
        await StudioFixture.ScreenshotAsync(page, "1-sharing-colours-too-large");
        using var health = await studio.Http.GetAsync("/api/colours/quantize?image=chelsea&k=2");
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>A mirrored crop of <paramref name="image"/> encoded as a JPEG (quality 90) by SkiaSharp.</summary>
    static byte[] CropJpeg(RgbImage image, int x0, int y0, int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var s = (((y0 + y) * image.Width) + x0 + (width - 1 - x)) * 3;
                bitmap.SetPixel(x, y, new SKColor(image.Pixels[s], image.Pixels[s + 1], image.Pixels[s + 2]));
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    static async Task<(int X, int Y)> HoveredPixelAsync(ILocator caption)
    {
        await Assertions.Expect(caption).ToContainTextAsync("pixel (");
        var text = await caption.InnerTextAsync();
        var inside = text[(text.IndexOf("pixel (", StringComparison.Ordinal) + 7)..];
        var parts = inside[..inside.IndexOf(')')].Split(", ");
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    static string FormatBytes(long n) => n < 1024 ? $"{n} B"
        : n < 1024 * 1024 ? (n / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB"
        : (n / 1024.0 / 1024.0).ToString("0.00", CultureInfo.InvariantCulture) + " MiB";

    // The front end's fmt(x, 4): toPrecision(4) for ordinary magnitudes.
    static string Fmt(double x) => x == 0 ? "0.000" : x.ToString(x >= 1000 ? "0" : x >= 100 ? "0.0" : x >= 10 ? "0.00" : "0.000", CultureInfo.InvariantCulture);
}
