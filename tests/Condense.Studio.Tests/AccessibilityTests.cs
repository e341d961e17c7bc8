using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Condense.Studio.Tests;

/// <summary>
/// Every page the shell lists (read from <c>/api/pages</c>, so pages added later are covered
/// without touching this test), at 1300 px wide: no formula overflows its column, axe-core finds no serious or critical violation once the page
/// shows its figure, and a keyboard-only walk reaches every control of the page with a visible
/// focus ring, moves every slider, picker and checkbox with the keys, and reads a value out of
/// every figure that shows values on hover.
/// </summary>
[Collection("Studio")]
[Trait("Category", "Slow")]
public sealed class AccessibilityTests(StudioFixture studio)
{
    sealed record PageEntry(string Id, int Number, string Title, bool Available);

    /// <summary>Controls a keyboard reader must reach on a page (enabled, in the page's main region).</summary>
    const string Controls = "main input:not([disabled]), main select:not([disabled]), main button:not([disabled]), main a[href], main [tabindex='0']";

    [Fact]
    public async Task Every_listed_page_passes_axe_and_a_keyboard_only_walk()
    {
        var pages = await studio.Http.GetFromJsonAsync<List<PageEntry>>("/api/pages", new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.NotNull(pages);
        Assert.NotEmpty(pages);
        var (page, errors) = await studio.OpenAsync(pages[0].Id);
        // The width the issue found page 4's formula overflowing at.
        await page.SetViewportSizeAsync(1300, 1000);
        var report = new List<string>();
        foreach (var info in pages)
        {
            await page.GotoAsync(new Uri(studio.Url, "#/" + info.Id).ToString());
            await Assertions.Expect(page.Locator("main h2")).ToContainTextAsync(info.Title);
            // Every page shows a figure on arrival (a "coming" page its notice); the models load at start-up.
            var shown = info.Available ? page.Locator("main [role='img']").First : page.GetByTestId("coming");
            await Assertions.Expect(shown).ToBeVisibleAsync(new() { Timeout = 10 * 60_000 });

            // No formula overflows its column (a long one is scaled down to fit).
            try
            {
                await page.WaitForFunctionAsync("() => [...document.querySelectorAll('main .formula.block')].every(e => e.scrollWidth <= e.clientWidth + 1)", null, new() { Timeout = 5000 });
            }
            catch (TimeoutException)
            {
                report.Add($"{info.Id}: a formula is wider than its column");
            }

            var axe = await page.RunAxe();
            foreach (var v in axe.Violations.Where(v => v.Impact is "serious" or "critical"))
                report.Add($"{info.Id}: {v.Impact} {v.Id} ({v.Help}) at {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}");

            if (info.Available) report.AddRange((await KeyboardWalkAsync(page)).Select(m => $"{info.Id}: {m}"));
        }
        Assert.True(report.Count == 0, string.Join("\n", report));
        Assert.Empty(errors);
    }

    /// <summary>
    /// Tabs from the skip link through the whole page: each stop must show a focus ring; every
    /// control of the page must be reached; then each range, select and checkbox must change with
    /// the keys alone. Returns what failed.
    /// </summary>
    static async Task<List<string>> KeyboardWalkAsync(IPage page)
    {
        var failures = new List<string>();
        var expected = await page.EvaluateAsync<int>(
            $"() => {{ const c = [...document.querySelectorAll(\"{Controls}\")].filter(e => e.offsetParent !== null); c.forEach((e, i) => e.dataset.kw = i); return c.length; }}");
        if (expected == 0) failures.Add("no control found in the page's main region");
        var links = await page.Locator("nav a").CountAsync();
        await page.Locator(".skip").FocusAsync();
        var reached = new HashSet<int>();
        for (var i = 0; i < links + expected + 6; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var stop = await page.EvaluateAsync<JsonElement>("""
                () => {
                  const e = document.activeElement;
                  if (!e || e === document.body) return { none: true };
                  const s = getComputedStyle(e);
                  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
                  return { none: false, kw: e.dataset.kw ?? null, ring, html: e.outerHTML.slice(0, 120) };
                }
                """);
            if (stop.GetProperty("none").GetBoolean()) continue;
            if (!stop.GetProperty("ring").GetBoolean()) failures.Add($"no visible focus on {stop.GetProperty("html").GetString()}");
            if (stop.GetProperty("kw").GetString() is { } kw) reached.Add(int.Parse(kw, System.Globalization.CultureInfo.InvariantCulture));
        }
        for (var i = 0; i < expected; i++)
            if (!reached.Contains(i))
                failures.Add($"Tab never reaches {await page.Locator($"[data-kw='{i}']").EvaluateAsync<string>("e => e.outerHTML.slice(0, 120)")}");

        // Operable: every slider, picker and checkbox changes with the keys (and is put back).
        foreach (var control in await page.Locator("main input[type='range']:not([disabled]), main select:not([disabled]), main input[type='checkbox']:not([disabled])").AllAsync())
        {
            var type = await control.EvaluateAsync<string>("e => e.tagName === 'SELECT' ? 'select' : e.type");
            if (type == "select" && await control.Locator("option").CountAsync() < 2) continue;
            var before = await Value(control, type);
            await control.FocusAsync();
            var (forward, back) = type switch
            {
                "checkbox" => ("Space", "Space"),
                "range" when await control.InputValueAsync() == await control.GetAttributeAsync("max") => ("ArrowLeft", "ArrowRight"),
                _ => ("ArrowRight", "ArrowLeft"),
            };
            if (type == "select") (forward, back) = await control.EvaluateAsync<int>("e => e.selectedIndex") == 0 ? ("ArrowDown", "ArrowUp") : ("ArrowUp", "ArrowDown");
            await control.PressAsync(forward);
            var after = await Value(control, type);
            if (after == before) failures.Add($"{forward} does not change {await control.EvaluateAsync<string>("e => e.outerHTML.slice(0, 120)")}");
            await control.PressAsync(back);
            if (await Value(control, type) != before) failures.Add($"{back} does not put back {await control.EvaluateAsync<string>("e => e.outerHTML.slice(0, 120)")}");
        }
        // A figure that reads out values on hover does so from the keyboard too: focused, an arrow key shows a value.
        foreach (var figure in await page.Locator("main [role='img'][tabindex='0']").AllAsync())
        {
            var before = await page.Locator("main").InnerTextAsync();
            await figure.FocusAsync();
            await figure.PressAsync("ArrowRight");
            if (await page.Locator("main").InnerTextAsync() == before)
                failures.Add($"ArrowRight on {await figure.EvaluateAsync<string>("e => e.outerHTML.slice(0, 120)")} reads nothing out");
        }
        return failures;
    }

    static async Task<string> Value(ILocator control, string type) =>
        type == "checkbox" ? (await control.IsCheckedAsync()).ToString() : await control.InputValueAsync();
}
