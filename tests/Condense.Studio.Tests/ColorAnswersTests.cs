using System.Net.Http.Json;
using System.Text.Json;
using Condense.Imaging;
using Condense.Studio.Pages;

namespace Condense.Studio.Tests;

/// <summary>
/// Pages 1–2's answers over HTTP: the indexed PNG a slider step carries is the library's own file
/// for that photo and k, and the background solving reaches every k.
/// </summary>
[Collection("Studio")]
public sealed class ColorAnswersTests(StudioFixture studio)
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(256)]
    public async Task A_slider_step_carries_the_librarys_indexed_png_and_figures(int k)
    {
        var answer = await studio.Http.GetFromJsonAsync<JsonElement>($"/api/colours/quantize?image=chelsea&k={k}");
        var png = Convert.FromBase64String(answer.GetProperty("png").GetString()!);
        var library = new ColorQuantizer(new ColorQuantizerOptions { Colors = k, Seed = studio.Options.Seed }).Quantize(SampleImages.Load("chelsea"));

        Assert.Equal(IndexedPngWriter.Encode(library), png);
        Assert.Equal(png.LongLength, answer.GetProperty("sizes").GetProperty("png").GetInt64());
        Assert.Equal(library.Reconstruct().Pixels, ImageDecoder.Decode(png, "answer.png").Pixels);
        Assert.Equal(library.MeanError, answer.GetProperty("meanError").GetDouble(), 12);
        Assert.Equal(library.MaxError, answer.GetProperty("maxError").GetInt32());
        var palette = answer.GetProperty("palette").EnumerateArray().Select(c => c.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToList();
        Assert.Equal(library.Palette.Select(c => new[] { (int)c.R, c.G, c.B }), palette);
        Assert.Equal(palette.Count, palette.Select(c => (c[0] << 16) | (c[1] << 8) | c[2]).Distinct().Count()); // the browser maps colour → index
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Background_solving_reaches_every_k_of_the_default_photo()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        JsonElement progress;
        do
        {
            progress = await studio.Http.GetFromJsonAsync<JsonElement>("/api/colours/progress?image=chelsea");
            if (progress.GetProperty("solved").GetInt32() == ColorSolutions.MaxK) break;
            await Task.Delay(500);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Equal(ColorSolutions.MaxK, progress.GetProperty("solved").GetInt32());
        Assert.False(progress.GetProperty("warming").GetBoolean());
    }

    [Fact]
    public async Task Unknown_photo_and_k_out_of_range_are_refused_with_a_message()
    {
        using var unknown = await studio.Http.GetAsync("/api/colours/quantize?image=u0000&k=4");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("no image", await unknown.Content.ReadAsStringAsync());
        using var zero = await studio.Http.GetAsync("/api/colours/quantize?image=chelsea&k=0");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, zero.StatusCode);
        Assert.Contains("k must be in 1…256", await zero.Content.ReadAsStringAsync());
    }

    [Fact]
    public void The_benchmark_covers_every_page()
    {
        Assert.Equal(StudioPages.All.Select(p => p.Number).Order(), StudioPages.Benches().SelectMany(b => b.Numbers).Order());
    }
}
