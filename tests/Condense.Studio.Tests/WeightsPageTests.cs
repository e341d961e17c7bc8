using System.Globalization;
using Condense.Metrics;
using Condense.Quantization;
using Condense.Studio.Pages;
using Microsoft.Playwright;

namespace Condense.Studio.Tests;

/// <summary>Page 3: the bits slider and distribution picker, checked against the library run here.</summary>
[Collection("Studio")]
[Trait("Category", "Slow")]
public sealed class WeightsPageTests(StudioFixture studio)
{
    [Fact]
    public async Task Shared_weights_have_at_most_two_to_the_bits_values_and_the_librarys_metrics()
    {
        var (page, errors) = await studio.OpenAsync("weights");
        var slider = page.GetByTestId("bits-slider");
        await Assertions.Expect(page.GetByTestId("heatmap-q")).ToBeVisibleAsync();
        await Browser.SlideToAsync(slider, 3);
        await Assertions.Expect(page.GetByTestId("heatmap-q")).ToHaveAttributeAsync("data-distinct", "8");

        var seed = new StudioOptions().Seed;
        var w = WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.Normal, 64, 64, seed: seed));
        var q = new WeightSharingQuantizer(new WeightSharingOptions(3) { Seed = seed }).Quantize(w, [64, 64]).Reconstruct();
        Assert.True(q.Distinct().Count() <= 8);
        var rel = MatrixNorms.RelativeOneNormError(w, q, 64, 64);
        var cond = ConditionNumber.OneNorm(w, 64, 64);
        Assert.Equal(rel, await Browser.DataValueAsync(page.GetByTestId("rel-kmeans")), 9);
        Assert.Equal(cond, await Browser.DataValueAsync(page.GetByTestId("cond1")), 6);
        Assert.Equal(cond * rel, await Browser.DataValueAsync(page.GetByTestId("bound-kmeans")), 6);
        // For a square invertible W the measured output error stays under the bound.
        Assert.True(await Browser.DataValueAsync(page.GetByTestId("out-kmeans")) <= cond * rel);

        // Hovering a cell of Q shows the library's shared value there.
        await Browser.HoverPixelAsync(page.GetByTestId("heatmap-q"), 10, 20, 64, 64);
        var caption = page.GetByTestId("heatmap-q").Locator("xpath=..").Locator("figcaption");
        await Assertions.Expect(caption).ToContainTextAsync("[");
        var text = await caption.InnerTextAsync();
        var cell = text[(text.IndexOf('[') + 1)..text.IndexOf(']')].Split(", ").Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var shown = double.Parse(await page.GetByTestId("heatmap-q-hover").InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.Equal(q[cell[0] * 64 + cell[1]], shown, 4);

        // Every bit width keeps the promise: at most 2^bits distinct values in Q.
        foreach (var bits in new[] { 1, 2, 5 })
        {
            await Browser.SlideToAsync(slider, bits);
            await Assertions.Expect(page.GetByTestId("bits-value")).ToHaveTextAsync(bits.ToString(CultureInfo.InvariantCulture));
            await Assertions.Expect(page.GetByTestId("distinct-kmeans")).ToHaveTextAsync(
                new WeightSharingQuantizer(new WeightSharingOptions(bits) { Seed = seed }).Quantize(w, [64, 64]).Reconstruct().Distinct().Count().ToString(CultureInfo.InvariantCulture));
            var distinct = int.Parse((await page.GetByTestId("heatmap-q").GetAttributeAsync("data-distinct"))!, CultureInfo.InvariantCulture);
            Assert.InRange(distinct, 1, 1 << bits);
        }

        // Linear quantization of a spiked matrix: the outlier stretches the grid.
        await page.GetByTestId("distribution").SelectOptionAsync("spiked");
        await page.GetByTestId("method").SelectOptionAsync("linear");
        await Browser.SlideToAsync(slider, 4);
        await Assertions.Expect(page.GetByTestId("linear-name")).ToContainTextAsync("linear int4");
        var spiked = WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.Spiked, 64, 64, seed: seed));
        var linear = new LinearQuantizer(new LinearQuantizationOptions(LinearPrecision.Int4)).Quantize(spiked, [64, 64]).Reconstruct();
        await Assertions.Expect(page.GetByTestId("heatmap-q")).ToHaveAttributeAsync("data-distinct", linear.Distinct().Count().ToString(CultureInfo.InvariantCulture));
        Assert.Equal(MatrixNorms.RelativeOneNormError(spiked, linear, 64, 64), await Browser.DataValueAsync(page.GetByTestId("rel-linear")), 9);
        Assert.True(await Browser.DataValueAsync(page.GetByTestId("rel-kmeans")) < await Browser.DataValueAsync(page.GetByTestId("rel-linear")),
            "on a spiked matrix k-means should beat min–max linear quantization at 4 bits");
        await Assertions.Expect(page.GetByTestId("histogram").Locator("svg").First).ToBeVisibleAsync();
        Assert.Empty(errors);
        await StudioFixture.ScreenshotAsync(page, "3-sharing-weights");
    }
}
