using Microsoft.Playwright;

namespace Condense.Studio.Tests;

[Collection("Studio")]
[Trait("Category", "Slow")]
public sealed class ShellTests(StudioFixture studio)
{
    [Fact]
    public async Task Navigation_lists_the_eight_pages_in_order_and_none_is_coming()
    {
        var (page, errors) = await studio.OpenAsync("colours");
        var links = page.Locator("nav li a");
        await Assertions.Expect(links).ToHaveCountAsync(8);
        var titles = await links.AllInnerTextsAsync();
        string[] expected = ["Sharing colours", "Measuring error", "Sharing weights", "Autoencoder", "Low rank", "Pruning", "Your model", "Conv layers"];
        for (var i = 0; i < expected.Length; i++) Assert.StartsWith(expected[i], titles[i]);

        // All eight pages are built: none may be listed as "coming", and no page shows the notice.
        Assert.All(Pages.StudioPages.All, info => Assert.True(info.Available, info.Id));
        Assert.All(titles, title => Assert.DoesNotContain("coming", title));
        await Assertions.Expect(page.GetByTestId("coming")).ToHaveCountAsync(0);
        // Every page typesets its formula with KaTeX (bundled, not from a CDN).
        await Assertions.Expect(page.Locator(".katex").First).ToBeVisibleAsync();
        Assert.Empty(errors);
        await StudioFixture.ScreenshotAsync(page, "shell");
    }
}
