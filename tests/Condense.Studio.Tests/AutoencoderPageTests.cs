using System.Globalization;
using System.Text.Json;
using Condense.Data;
using Condense.Formats;
using Condense.Models;
using Condense.Quantization;
using Condense.Studio.Pages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Condense.Studio.Tests;

/// <summary>
/// Page 4: draw on the canvas, move the bits slider, and check the reconstruction against the
/// cached model quantized here, independently, with the library.
/// </summary>
[Collection("Studio")]
[Trait("Category", "Slow")]
public sealed class AutoencoderPageTests(StudioFixture studio)
{
    sealed record Sent(float[] Pixels, int Bits, bool Biases);
    sealed record Received(int Bits, bool Biases, float[] Reconstruction, double Mse, double MseFull, double MseWeightsOnly, double MseBiasesShared);

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Drawn_digit_is_reconstructed_by_the_quantized_autoencoder_with_the_librarys_mse()
    {
        var (page, errors) = await studio.OpenAsync("autoencoder");
        // The page opens on test digit #0 and its reconstruction (the model loads, or is trained once, from start-up).
        await Assertions.Expect(page.GetByTestId("reconstruction")).ToBeVisibleAsync(new() { Timeout = 15 * 60_000 });
        await page.GetByTestId("clear").ClickAsync();

        // Draw a "1": a vertical stroke down the middle of the canvas.
        var canvas = page.GetByTestId("draw");
        var box = (await canvas.BoundingBoxAsync())!;
        var (sent, received) = await ExchangeAsync(page, async () =>
        {
            await page.Mouse.MoveAsync(box.X + box.Width * 0.5f, box.Y + box.Height * 0.2f);
            await page.Mouse.DownAsync();
            for (var i = 1; i <= 12; i++)
                await page.Mouse.MoveAsync(box.X + box.Width * (0.5f + 0.005f * i), box.Y + box.Height * (0.2f + 0.05f * i));
            await page.Mouse.UpAsync();
        });
        Assert.Equal(4, sent.Bits);
        var inked = sent.Pixels.Count(p => p > 0.5f);
        Assert.InRange(inked, 20, 200);
        // The middle column is inked, the corners are not.
        Assert.True(sent.Pixels[14 * 28 + 14] > 0.5f || sent.Pixels[14 * 28 + 15] > 0.5f);
        Assert.Equal(0f, sent.Pixels[0]);

        await AssertMatchesLibraryAsync(page, sent, received);

        // Fewer bits: a different, worse-or-equal model; the page follows the slider.
        var slider = page.GetByTestId("bits-slider");
        var (sent2, received2) = await ExchangeAsync(page, () => slider.PressAsync("ArrowLeft"), bits: 3);
        Assert.Equal(sent.Pixels, sent2.Pixels);
        await AssertMatchesLibraryAsync(page, sent2, received2);
        Assert.NotEqual(received.Reconstruction, received2.Reconstruction);

        var (sent1, received1) = await ExchangeAsync(page, () => Browser.SlideToAsync(slider, 1), bits: 1);
        await AssertMatchesLibraryAsync(page, sent1, received1);
        Assert.True(received1.Mse > received.MseFull, "1-bit weights should reconstruct worse than 32-bit ones");

        // Per-layer cond₁ from the library, shown for all five layers.
        await Assertions.Expect(page.GetByTestId("layers").Locator("tbody tr")).ToHaveCountAsync(5);
        await Assertions.Expect(page.GetByTestId("layers").Locator("tbody tr").First).Not.ToContainTextAsync("–");
        Assert.Empty(errors);
        await StudioFixture.ScreenshotAsync(page, "4-autoencoder-drawn");
    }

    [Fact]
    public async Task Test_digit_button_sends_the_test_sets_digit()
    {
        var (page, errors) = await studio.OpenAsync("autoencoder");
        await Assertions.Expect(page.GetByTestId("reconstruction")).ToBeVisibleAsync(new() { Timeout = 15 * 60_000 });
        var (sent, received) = await ExchangeAsync(page, () => page.GetByTestId("pick-digit").ClickAsync());
        var caption = await page.Locator("figcaption").First.InnerTextAsync();
        var index = int.Parse(caption.Split('#')[1].Split(' ')[0], CultureInfo.InvariantCulture);
        var test = DataSets.Load(DataSets.Mnist10k).Test;
        Assert.Equal(test.Images.AsSpan(index * 784, 784).ToArray(), sent.Pixels);
        Assert.Contains($"(a {test.Labels[index]})", caption);
        await AssertMatchesLibraryAsync(page, sent, received);
        // A real digit through the full-precision autoencoder comes back close.
        Assert.True(received.MseFull < 0.05, $"MSE {received.MseFull} with 32-bit weights");
        Assert.Empty(errors);
        await StudioFixture.ScreenshotAsync(page, "4-autoencoder-test-digit");
    }

    [Fact]
    public async Task Page_opens_on_test_digit_0_and_shares_the_biases_too_on_request()
    {
        var (page, errors) = await studio.OpenAsync("autoencoder");
        await Assertions.Expect(page.GetByTestId("reconstruction")).ToBeVisibleAsync(new() { Timeout = 15 * 60_000 });
        await Assertions.Expect(page.Locator("figcaption").First).ToContainTextAsync("test digit #0");
        var test = DataSets.Load(DataSets.Mnist10k).Test;
        var digit = test.Images.AsSpan(0, 784).ToArray();

        var (sent, received) = await ExchangeAsync(page, () => page.GetByTestId("biases").CheckAsync(), bits: 4);
        Assert.Equal(digit, sent.Pixels);
        Assert.True(sent.Biases);
        Assert.True(received.Biases);
        // Independently: each layer's weights and bias share one codebook, quantized here with the library.
        var expected = LibraryReconstruction(digit, 4, biases: true);
        for (var i = 0; i < 784; i++) Assert.Equal(expected[i], received.Reconstruction[i], 4);
        Assert.Equal(received.Mse, received.MseBiasesShared);
        await Assertions.Expect(page.GetByTestId("mse-biases-shared")).ToHaveAttributeAsync("data-value", received.MseBiasesShared.ToString("R", CultureInfo.InvariantCulture));
        await Assertions.Expect(page.GetByTestId("mse-weights-only")).ToHaveAttributeAsync("data-value", received.MseWeightsOnly.ToString("R", CultureInfo.InvariantCulture));
        var weightsOnly = LibraryReconstruction(digit, 4);
        double sum = 0;
        for (var i = 0; i < 784; i++) sum += Math.Pow(weightsOnly[i] - digit[i], 2);
        Assert.Equal(sum / 784, received.MseWeightsOnly, 4);
        Assert.Empty(errors);
    }

    static async Task<(Sent, Received)> ExchangeAsync(IPage page, Func<Task> action, int? bits = null)
    {
        var response = await page.RunAndWaitForResponseAsync(action, r =>
            r.Url.EndsWith("/api/autoencoder/reconstruct", StringComparison.Ordinal)
            && (bits is null || r.Request.PostData!.Contains($"\"bits\":{bits},", StringComparison.Ordinal)),
            new PageRunAndWaitForResponseOptions { Timeout = 10 * 60_000 });
        Assert.Equal(200, response.Status);
        var sent = JsonSerializer.Deserialize<Sent>(response.Request.PostData!, Json)!;
        var received = JsonSerializer.Deserialize<Received>(await response.TextAsync(), Json)!;
        return (sent, received);
    }

    async Task AssertMatchesLibraryAsync(IPage page, Sent sent, Received received)
    {
        Assert.Equal(sent.Bits, received.Bits);
        // The MSE shown is the mean squared difference of the two images the page holds.
        double sum = 0;
        for (var i = 0; i < 784; i++) sum += Math.Pow(received.Reconstruction[i] - sent.Pixels[i], 2);
        Assert.Equal(sum / 784, received.Mse, 6);
        await Assertions.Expect(page.GetByTestId("mse")).ToHaveAttributeAsync("data-value", received.Mse.ToString("R", CultureInfo.InvariantCulture));

        // Independently: the cached model, weight-shared here with WeightSharingQuantizer, gives the same reconstruction.
        var expected = LibraryReconstruction(sent.Pixels, sent.Bits);
        for (var i = 0; i < 784; i++) Assert.Equal(expected[i], received.Reconstruction[i], 4);

        // The canvas shows the reconstruction (grey level 255·(1 − x), within rounding).
        var grey = await page.EvaluateAsync<int[]>(@"() => {
            const c = document.querySelector('[data-testid=reconstruction]');
            const d = c.getContext('2d').getImageData(0, 0, 28, 28).data;
            return Array.from({ length: 784 }, (_, i) => d[4 * i]); }");
        for (var i = 0; i < 784; i++) Assert.InRange(grey[i], 255 * (1 - received.Reconstruction[i]) - 1, 255 * (1 - received.Reconstruction[i]) + 1);
    }

    float[] LibraryReconstruction(float[] pixels, int bits, bool biases = false)
    {
        var path = studio.Services.GetRequiredService<AutoencoderService>().ModelPath;
        var (model, _) = ModelFile.Load(path);
        using (model)
        {
            var all = ModelFile.Weights(model);
            var byName = all.ToDictionary(t => t.Name);
            var tensors = all.Select(t =>
            {
                var weightName = t.Name.Replace(".bias", ".weight", StringComparison.Ordinal);
                if (t.Shape.Length != 2 && !(biases && t.Name.EndsWith(".bias", StringComparison.Ordinal))) return t;
                var w = byName[weightName].ToFloat32();
                var b = biases ? byName[weightName.Replace(".weight", ".bias", StringComparison.Ordinal)].ToFloat32() : [];
                var values = w.Concat(b).ToArray();
                var q = new WeightSharingQuantizer(new WeightSharingOptions(bits) { Seed = new StudioOptions().Seed })
                    .Quantize(values, biases ? [values.Length] : byName[weightName].Shape).Reconstruct();
                Assert.True(q.Distinct().Count() <= 1 << bits);
                var part = t.Shape.Length == 2 ? q.AsSpan(0, w.Length) : q.AsSpan(w.Length);
                return NamedTensor.FromFloat32(t.Name, part.ToArray(), t.Shape);
            }).ToList();
            ModelFile.SetWeights(model, tensors, "test");
            return Evaluator.Predict(model, pixels, 1, 784);
        }
    }
}
