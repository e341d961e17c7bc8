using System.Globalization;
using Condense.Studio.Pages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Condense.Studio.Tests;

/// <summary>
/// Page 8 in the browser: once the VGG-BN is trained (or loaded), the first conv's filters and
/// every layer's |γ| are drawn; moving the slider removes channels, and the MACs, parameters,
/// kept channels and accuracy shown are the service's for that p (p = 0: the unpruned network).
/// </summary>
[Collection("Studio")]
[Trait("Category", "Slow")]
public sealed class ConvLayersPageTests(StudioFixture studio)
{
    [Fact]
    public async Task Slider_removes_channels_at_one_gamma_threshold_and_shows_macs_falling_and_the_accuracy()
    {
        var (page, errors) = await studio.OpenAsync("conv");
        var slider = page.GetByTestId("conv-slider");
        // First use trains the network (a minute or more on a busy machine); later runs load it.
        await Assertions.Expect(slider).ToBeEnabledAsync(new() { Timeout = 15 * 60_000 });
        await Assertions.Expect(page.GetByTestId("filters")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("filters")).ToHaveAttributeAsync("data-count", "8");
        var gammas = page.GetByTestId("gammas");
        await Assertions.Expect(gammas).ToBeVisibleAsync();
        // One bar per channel: 8 + 16 + 16 + 32 + 32.
        await Assertions.Expect(gammas.Locator("rect")).ToHaveCountAsync(104);

        // The filter grid reads a weight out from the keyboard.
        await page.GetByTestId("filters").FocusAsync();
        await page.GetByTestId("filters").PressAsync("ArrowRight");
        await Assertions.Expect(page.GetByTestId("filters-hover")).ToBeVisibleAsync();

        // Opens at p = 30 %.
        await Assertions.Expect(page.GetByTestId("p-value")).ToHaveTextAsync("30 %");
        await Assertions.Expect(page.GetByTestId("shown-p")).ToHaveAttributeAsync("data-value", "0.3");
        var service = studio.Services.GetRequiredService<ConvLayersService>();
        var at30 = (await service.AnswerAsync(0.3, CancellationToken.None)).Point;
        var macs30 = await Browser.DataValueAsync(page.GetByTestId("macs"));
        Assert.Equal(at30.Macs, macs30);
        Assert.Equal(at30.Accuracy, await Browser.DataValueAsync(page.GetByTestId("acc")), 12);

        // To 60 %: fewer MACs and parameters, the kept channels and the accuracy of that network.
        await Browser.SlideToAsync(slider, 12);
        await Assertions.Expect(page.GetByTestId("p-value")).ToHaveTextAsync("60 %");
        await Assertions.Expect(page.GetByTestId("shown-p")).ToHaveAttributeAsync("data-value", "0.6");
        var at60 = (await service.AnswerAsync(0.6, CancellationToken.None)).Point;
        var macs60 = await Browser.DataValueAsync(page.GetByTestId("macs"));
        Assert.True(macs60 < macs30, $"MACs {macs60} at 60 % not below {macs30} at 30 %");
        Assert.Equal(at60.Macs, macs60);
        Assert.Equal(at60.Parameters, await Browser.DataValueAsync(page.GetByTestId("params")));
        Assert.Equal(at60.Threshold, await Browser.DataValueAsync(page.GetByTestId("threshold")), 6);
        await Assertions.Expect(page.GetByTestId("acc")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{1,3}\.\d\d %$"));
        Assert.Equal(at60.Accuracy, await Browser.DataValueAsync(page.GetByTestId("acc")), 12);
        foreach (var layer in at60.Layers)
            await Assertions.Expect(page.GetByTestId($"kept-{layer.Name}")).ToHaveTextAsync(layer.Kept.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(page.GetByTestId("macs-removed")).ToHaveTextAsync($"{100 * at60.MacsRemoved:F1} % removed");
        // Both points computed so far are in the table under the curve.
        await Assertions.Expect(page.GetByTestId("curve")).ToBeVisibleAsync();
        Assert.True(await page.GetByTestId("solved").Locator("tbody tr").CountAsync() >= 2);

        // To 0 %: the unpruned network's own accuracy and MACs.
        await Browser.SlideToAsync(slider, 0);
        await Assertions.Expect(page.GetByTestId("shown-p")).ToHaveAttributeAsync("data-value", "0");
        Assert.Equal(await Browser.DataValueAsync(page.GetByTestId("acc-full")), await Browser.DataValueAsync(page.GetByTestId("acc")), 12);
        Assert.True(await Browser.DataValueAsync(page.GetByTestId("macs")) > macs30);

        await Browser.SlideToAsync(slider, 12);
        await Assertions.Expect(page.GetByTestId("shown-p")).ToHaveAttributeAsync("data-value", "0.6");
        Assert.Empty(errors);
        await StudioFixture.ScreenshotAsync(page, "8-conv");
    }
}
