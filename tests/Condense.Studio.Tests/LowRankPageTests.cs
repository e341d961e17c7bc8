using System.Text.Json;
using Condense.Data;
using Condense.Models;
using Condense.Studio.Pages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static TorchSharp.torch;

namespace Condense.Studio.Tests;

/// <summary>
/// Page 5: move the rank slider and check the figures shown against fc2's singular values and the
/// model's accuracy, computed here independently from the cached model file.
/// </summary>
[Collection("Studio")]
[Trait("Category", "Slow")]
public sealed class LowRankPageTests(StudioFixture studio)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    sealed record Received(int Rank, double? Accuracy, double FullAccuracy, double EffectiveRank);

    [Fact]
    public async Task Rank_slider_shows_the_spectral_error_and_accuracy_of_fc2_cut_to_that_rank()
    {
        var (page, errors) = await studio.OpenAsync("lowrank");
        var slider = page.GetByTestId("rank-slider");
        // First use trains the classifier (minutes on a busy 2-core machine); later runs load it.
        await Assertions.Expect(slider).ToBeEnabledAsync(new() { Timeout = 15 * 60_000 });
        await Assertions.Expect(slider).ToHaveAttributeAsync("max", "1000");

        // Independently: fc2's singular values (float64) and the model's accuracy from the cached file.
        var path = studio.Services.GetRequiredService<ClassifierService>().ModelPath;
        double[] sigma;
        double fullAccuracy;
        var (model, _) = ModelFile.Load(path);
        using (model)
        {
            var fc2 = model.Layers.Single(l => l.Name == "fc2").Layer.weight!;
            using (var scope = NewDisposeScope())
                sigma = linalg.svdvals(fc2.detach().to_type(ScalarType.Float64)).data<double>().ToArray();
            fullAccuracy = Evaluator.Evaluate(model, DataSets.Load(DataSets.Mnist10k).Test).Accuracy!.Value;
        }
        Assert.Equal(1000, sigma.Length);

        // Rank 5 with the keyboard: the spectral error is σ₆/σ₁.
        var received = await ExchangeAsync(page, () => Browser.SlideToAsync(slider, 5), 5);
        await Assertions.Expect(page.GetByTestId("rank-value")).ToHaveTextAsync("5");
        await Assertions.Expect(page.GetByTestId("methods")).ToHaveAttributeAsync("data-rank", "5");
        var shown = await Browser.DataValueAsync(page.GetByTestId("rel-error"));
        // The randomized SVD's figures arrive in their own answer.
        await Assertions.Expect(page.GetByTestId("randomized")).ToHaveAttributeAsync("data-rank", "5");
        Assert.Equal(sigma[5] / sigma[0], shown, 9);
        double sumSq = sigma.Sum(s => s * s), tail = sigma.Skip(5).Sum(s => s * s);
        Assert.Equal(Math.Sqrt(tail / sumSq), await Browser.DataValueAsync(page.GetByTestId("rel-error-f")), 6);
        // Eckart–Young: the randomized SVD cannot beat the truncated one, and with p = 10, q = 2 it is close.
        var randomized = await Browser.DataValueAsync(page.GetByTestId("rand-error"));
        Assert.InRange(randomized, shown * (1 - 1e-6), shown * 1.5);
        // Effective rank exp(H(σ/Σσ)), computed here.
        var p = sigma.Select(s => s / sigma.Sum()).Where(x => x > 0);
        Assert.Equal(Math.Exp(-p.Sum(x => x * Math.Log(x))), await Browser.DataValueAsync(page.GetByTestId("erank")), 6);
        Assert.Equal(fullAccuracy, received.FullAccuracy);
        // The accuracy at every rank is solved ahead; until rank 5 is, the page asks again.
        await Assertions.Expect(page.GetByTestId("acc")).ToHaveAttributeAsync("data-value", new System.Text.RegularExpressions.Regex("."));
        var at5 = await Browser.DataValueAsync(page.GetByTestId("acc"));
        Assert.True(at5 < fullAccuracy, $"rank 5 accuracy {at5} should be below the full model's {fullAccuracy}");
        // The same accuracy as fc2 cut to rank 5 by a float64 SVD here (the server sums rank-one terms in
        // float32: at most 2 of the 10 000 test digits may land on the other side of a near tie).
        var independent = IndependentAccuracy(path, 5);
        Assert.InRange(at5, independent - 2e-4, independent + 2e-4);

        // The mouse: drag the thumb to the right end, full rank: no error, the model's own accuracy.
        var box = (await slider.BoundingBoxAsync())!;
        received = await ExchangeAsync(page, async () =>
        {
            await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(box.X + box.Width + 40, box.Y + box.Height / 2, new() { Steps = 5 });
            await page.Mouse.UpAsync();
        }, 1000);
        await Assertions.Expect(page.GetByTestId("rank-value")).ToHaveTextAsync("1000");
        await Assertions.Expect(page.GetByTestId("methods")).ToHaveAttributeAsync("data-rank", "1000");
        Assert.Equal(0, await Browser.DataValueAsync(page.GetByTestId("rel-error")));
        Assert.True(received.Accuracy is null || received.Accuracy == fullAccuracy);
        await Assertions.Expect(page.GetByTestId("acc")).ToHaveAttributeAsync("data-value", fullAccuracy.ToString("R", System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 5 * 60_000 });
        await Assertions.Expect(page.GetByTestId("accuracy").Locator("svg")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("spectrum").Locator("svg")).ToBeVisibleAsync();

        // Back to rank 64 for the screenshot.
        await ExchangeAsync(page, () => slider.FillAsync("64"), 64);
        await Assertions.Expect(page.GetByTestId("methods")).ToHaveAttributeAsync("data-rank", "64");
        Assert.Equal(sigma[64] / sigma[0], await Browser.DataValueAsync(page.GetByTestId("rel-error")), 9);
        Assert.Empty(errors);
        await StudioFixture.ScreenshotAsync(page, "5-lowrank");
    }

    /// <summary>The model's test accuracy with fc2 replaced by its rank-r truncation, by float64 SVD here.</summary>
    static double IndependentAccuracy(string path, int rank)
    {
        var (model, _) = ModelFile.Load(path);
        using (model)
        {
            var fc2 = model.Layers.Single(l => l.Name == "fc2").Layer.weight!;
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                var (u, s, vh) = linalg.svd(fc2.detach().to_type(ScalarType.Float64), fullMatrices: false);
                var wr = u[.., ..rank].mm(diag(s[..rank])).mm(vh[..rank]);
                fc2.copy_(wr.to_type(ScalarType.Float32));
            }
            return Evaluator.Evaluate(model, DataSets.Load(DataSets.Mnist10k).Test).Accuracy!.Value;
        }
    }

    static async Task<Received> ExchangeAsync(IPage page, Func<Task> action, int rank)
    {
        var response = await page.RunAndWaitForResponseAsync(action, r => r.Url.Contains($"/api/lowrank?rank={rank}", StringComparison.Ordinal)
            && r.Url.EndsWith($"rank={rank}", StringComparison.Ordinal), new PageRunAndWaitForResponseOptions { Timeout = 5 * 60_000 });
        Assert.Equal(200, response.Status);
        return JsonSerializer.Deserialize<Received>(await response.TextAsync(), Json)!;
    }
}
