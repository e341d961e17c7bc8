using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace Condense.Studio.Tests;

/// <summary>
/// One real Studio server on a free loopback port and one headless Debian Chromium, shared by
/// every test in the "Studio" collection. Playwright never downloads a browser here: it drives
/// /usr/bin/chromium with the flags this machine's closed network needs.
/// </summary>
public sealed class StudioFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    WebApplication? app;
    IPlaywright? playwright;

    public Uri Url { get; private set; } = null!;
    public IServiceProvider Services => app!.Services;
    public IBrowser Browser { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public StudioOptions Options { get; } = new()
    {
        Port = 0,
        MaxUploadBytes = 16 * 1024 * 1024, // the MNIST classifier in ONNX is 7.2 MB
        CacheDirectory = Path.Combine(AppContext.BaseDirectory, "studio-cache"),
        // Page 6 prunes the method being viewed only: all seven in the background would take the tests' CPU.
        PruneAhead = false,
    };

    /// <summary>Where screenshots go: the test output folder, so CI artefacts pick them up.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        (app, Url) = await StudioHost.StartAsync(Options);
        // A client that announces a body (Expect: 100-continue) waits this long for the server's
        // answer before sending it anyway; the default 1 s is too short on a loaded machine, and a
        // body sent after an early 413 ends in a broken pipe instead of the 413 the tests check.
        Http = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(60) }) { BaseAddress = Url };
        Directory.CreateDirectory(ScreenshotDirectory);
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: the Studio's browser tests need Debian's chromium (scripts/setup.sh installs it)");
        Assertions.SetDefaultExpectTimeout(60_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
            ],
        });
    }

    /// <summary>A fresh page at one of the Studio's routes, with the console's errors collected.</summary>
    public async Task<(IPage Page, List<string> Errors)> OpenAsync(string route)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(new Uri(Url, "#/" + route).ToString());
        return (page, errors);
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        Http?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

[CollectionDefinition("Studio")]
public sealed class StudioCollection : ICollectionFixture<StudioFixture>;
