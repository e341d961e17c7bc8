using System.Globalization;
using System.Text.Json;
using Condense.Data;
using Condense.Formats;
using Condense.Models;
using Condense.Studio.Pages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Condense.Studio.Tests;

/// <summary>
/// Page 6: move the sparsity slider and switch methods; the accuracy and per-layer densities shown
/// are checked against magnitude pruning done here by sorting each layer's |w| (no Condense.Pruning).
/// </summary>
[Collection("Studio")]
[Trait("Category", "Slow")]
public sealed class PruningPageTests(StudioFixture studio)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Sparsity_slider_and_method_show_the_pruned_classifiers_accuracy_and_layer_densities()
    {
        var (page, errors) = await studio.OpenAsync("pruning");
        var slider = page.GetByTestId("sparsity-slider");
        await Assertions.Expect(slider).ToBeEnabledAsync(new() { Timeout = 15 * 60_000 });
        // The default method's sweep (every sparsity at once) arrives, at 90 %.
        await Assertions.Expect(page.GetByTestId("shown-method")).ToHaveTextAsync("magnitude", new() { Timeout = 10 * 60_000 });
        await Assertions.Expect(page.GetByTestId("sparsity-value")).ToHaveTextAsync("90.0 %");

        var path = studio.Services.GetRequiredService<ClassifierService>().ModelPath;
        var test = DataSets.Load(DataSets.Mnist10k).Test;
        var (expectedAccuracy, kept) = MagnitudePruned(path, test, 0.9);
        Assert.Equal(expectedAccuracy, await Browser.DataValueAsync(page.GetByTestId("acc")), 12);
        foreach (var (name, count, _) in kept)
            await Assertions.Expect(page.GetByTestId($"kept-{name}")).ToHaveTextAsync(count.ToString("N0", CultureInfo.InvariantCulture));

        // Slider to 0 %: the unpruned model's own accuracy.
        await slider.FillAsync("0");
        await Assertions.Expect(page.GetByTestId("sparsity-value")).ToHaveTextAsync("0.0 %");
        // Each point is shown once the background has pruned and evaluated it (this one is solved second).
        await Assertions.Expect(page.GetByTestId("shown-method")).ToHaveAttributeAsync("data-index", "0", new() { Timeout = 10 * 60_000 });
        var (fullAccuracy, _) = MagnitudePruned(path, test, 0);
        Assert.Equal(fullAccuracy, await Browser.DataValueAsync(page.GetByTestId("acc")), 12);
        Assert.Equal(fullAccuracy, await Browser.DataValueAsync(page.GetByTestId("acc-full")), 12);
        Assert.Equal(0, await Browser.DataValueAsync(page.GetByTestId("measured")));

        // Global magnitude at 99.9 %: one threshold for all layers, so 0.1 % of all weights stay in total.
        var response = await page.RunAndWaitForResponseAsync(() => page.GetByTestId("method").SelectOptionAsync("global"),
            r => r.Url.Contains("/api/pruning?method=global&", StringComparison.Ordinal), new() { Timeout = 10 * 60_000 });
        Assert.Equal(200, response.Status);
        await slider.FillAsync("14");
        await Assertions.Expect(page.GetByTestId("sparsity-value")).ToHaveTextAsync("99.9 %");
        await Assertions.Expect(page.GetByTestId("shown-method")).ToHaveTextAsync("global", new() { Timeout = 10 * 60_000 });
        await Assertions.Expect(page.GetByTestId("shown-method")).ToHaveAttributeAsync("data-index", "14", new() { Timeout = 10 * 60_000 });
        long total = kept.Sum(k => k.Total);
        var keptGlobal = 0L;
        foreach (var (name, _, _) in kept)
        {
            var shown = long.Parse(await page.GetByTestId($"kept-{name}").InnerTextAsync(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            keptGlobal += shown;
            // A layer with nothing left is flagged as collapsed, and only then.
            await Assertions.Expect(page.GetByTestId($"collapsed-{name}")).ToHaveCountAsync(shown == 0 ? 1 : 0);
        }
        Assert.Equal(total - (long)Math.Round(0.999 * total, MidpointRounding.ToEven), keptGlobal);
        Assert.Equal(1 - (double)keptGlobal / total, await Browser.DataValueAsync(page.GetByTestId("measured")), 12);

        // Back to 90 % for the screenshot.
        await slider.FillAsync("9");
        await Assertions.Expect(page.GetByTestId("sparsity-value")).ToHaveTextAsync("90.0 %");
        await Assertions.Expect(page.GetByTestId("shown-method")).ToHaveAttributeAsync("data-index", "9", new() { Timeout = 10 * 60_000 });
        Assert.Empty(errors);
        await StudioFixture.ScreenshotAsync(page, "6-pruning");
    }

    /// <summary>Layer-wise magnitude pruning by hand: each layer's round(s·n) smallest |w| set to 0.</summary>
    static (double Accuracy, List<(string Name, long Kept, long Total)> Kept) MagnitudePruned(string path, Dataset test, double sparsity)
    {
        var (model, _) = ModelFile.Load(path);
        using (model)
        {
            var kept = new List<(string, long, long)>();
            var tensors = ModelFile.Weights(model).Select(t =>
            {
                if (t.Shape.Length != 2) return t;
                var w = t.ToFloat32();
                var prune = (long)Math.Round(sparsity * w.Length, MidpointRounding.ToEven);
                var order = Enumerable.Range(0, w.Length).OrderBy(i => Math.Abs(w[i])).Take((int)prune);
                foreach (var i in order) w[i] = 0;
                kept.Add((t.Name.Replace(".weight", "", StringComparison.Ordinal), w.Length - prune, w.Length));
                return NamedTensor.FromFloat32(t.Name, w, t.Shape);
            }).ToList();
            ModelFile.SetWeights(model, tensors, "test");
            return (Evaluator.Evaluate(model, test).Accuracy!.Value, kept);
        }
    }
}
