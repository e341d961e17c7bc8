using Condense.Cli.Bench;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Condense.Studio;
using Condense.Studio.Bench;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench studio</c>: the Studio's responsiveness, measured by dragging each page's
/// slider over HTTP on loopback (see <see cref="StudioBenchmark"/>), and each change of method,
/// image or model. The targets: a slider step p95 under 100 ms, a change p95 under 1 s.
/// </summary>
public static class StudioBenchCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON instead of a table." };
        var cache = new Option<string?>("--cache") { Description = "Folder for the Studio's trained models (default ~/.cache/condense/studio)." };
        var pages = new Option<int[]>("--page") { Description = "Measure only these pages (1…8; repeat the option). Default: all.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("studio", "p50/p95 latency of each Studio page's slider requests, after the page has loaded.") { json, cache, pages };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var asJson = parse.GetValue(json);
            var options = new StudioOptions { Port = 0, CacheDirectory = parse.GetValue(cache) };
            var results = await StudioBenchmark.RunAsync(options, parse.GetValue(pages), asJson ? null : m => error.WriteLine($"bench studio: {m}"), cancellationToken);
            if (asJson)
            {
                output.WriteLine(JsonSerializer.Serialize(results, CliConsole.SnakeJson));
                return 0;
            }
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No });
            console.Profile.Width = Math.Max(console.Profile.Width, 150);
            var table = new Table().AddColumns("page", "step", "requests", "p50 ms", "p95 ms", "p95 first visits ms", "max ms", "ready after s", "changes", "change p95 ms", "change max ms");
            foreach (var r in results)
                table.AddRow(Markup.Escape(r.Page), Markup.Escape(r.Step), r.Requests.ToString(CultureInfo.InvariantCulture), F(r.P50), F(r.P95), F(r.ColdP95), F(r.Max),
                    (r.LoadMilliseconds / 1000).ToString("0.0", CultureInfo.InvariantCulture),
                    r.Changes.ToString(CultureInfo.InvariantCulture), r.ChangeP95 is { } c ? F(c) : "-", r.ChangeMax is { } m ? F(m) : "-");
            console.Write(table);
            foreach (var r in results.Where(r => r.Change is not null))
                console.WriteLine($"{r.Page}: a change is a change of {r.Change} (docs/studio.md, Responsiveness)");
            foreach (var r in results.Where(r => r.Note is not null))
                console.WriteLine($"{r.Page}: {r.Note}");
            var load = LoadAverages.OneMinute() ?? "?";
            console.WriteLine($"{Environment.ProcessorCount} cores, load average {load}; loopback HTTP, one request at a time; each page opened first (not timed), then its steps forward and back.");
            return 0;
        });
        return command;
    }

    static string F(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture);
}
