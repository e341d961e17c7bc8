using Microsoft.Playwright;

namespace Condense.Studio.Tests;

[Collection("Studio")]
[Trait("Category", "Slow")]
public sealed class ShellTests(StudioFixture studio)
{
    [Fact]
    public async Task Navigation_lists_the_seven_pages_in_order_and_marks_missing_ones_coming()
    {
        var (page, errors) = await studio.OpenAsync("colours");
        var links = page.Locator("nav li a");
        await Assertions.Expect(links).ToHaveCountAsync(7);
        var titles = await links.AllInnerTextsAsync();
        string[] expected = ["Sharing colours", "Measuring error", "Sharing weights", "Autoencoder", "Low rank", "Pruning", "Your model"];
        for (var i = 0; i < expected.Length; i++) Assert.StartsWith(expected[i], titles[i]);

        foreach (var info in Pages.StudioPages.All.Where(p => !p.Available))
        {
            await page.GotoAsync(new Uri(studio.Url, "#/" + info.Id).ToString());
            await Assertions.Expect(page.GetByTestId("coming")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId($"nav-{info.Id}")).ToContainTextAsync("coming");
        }
        // Every page typesets its formula with KaTeX (bundled, not from a CDN).
        await Assertions.Expect(page.Locator(".katex").First).ToBeVisibleAsync();
        Assert.Empty(errors);
        await StudioFixture.ScreenshotAsync(page, "shell");
    }
}
