using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Condense.Cli.Bench;
using Condense.Cli.Imaging;
using Condense.Formats;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench all</c>: runs every suite at quick settings (<see cref="BenchSuites"/>): a suite
/// with a workflow is called in this process and its typed report read directly; a suite whose
/// figure is the whole process's memory or start-up time runs its command in a child process
/// (so one suite's threads, caches and peak memory do not colour the next) and its JSON is read back
/// into the same typed report; no suite reads JSON by key (<c>BenchSuiteReportTests</c>). It prints one table of the issues' figures with the peers' beside them, and writes it to
/// <c>bench/results.md</c> with the date, the machine and its load.
/// </summary>
public static class BenchAllCommand
{
    public static Command Create()
    {
        var noPeers = new Option<bool>("--no-peers") { Description = "Do not run the Python peers; print the figures the issues quote instead." };
        var only = new Option<string?>("--only") { Description = "Comma-separated suites to run (train, kmeans, kmeans-4096, image, lowrank, scale, studio); default all." };
        var output = new Option<string?>("--out") { Description = "Markdown file to write (default: bench/results.md in the repository, found above the current folder)." };
        var json = CliConsole.JsonOption();
        var command = new Command("all", "Run every benchmark at quick settings: one table of the issues' figures beside the peers', written to bench/results.md.")
        {
            noPeers, only, output, json,
        };
        command.SetAction(parse =>
        {
            var started = DateTimeOffset.UtcNow;
            var loadBefore = BenchResults.LoadAverage();
            var why = "";
            var peers = !parse.GetValue(noPeers) && BenchRunner.PeersAvailable(out why);
            var suites = BenchSuites.All(peers);
            if (parse.GetValue(only) is { } names)
            {
                var wanted = names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                foreach (var w in wanted)
                    if (suites.All(s => s.Name != w))
                        throw new CondenseException($"bench all: --only names unknown suite '{w}' (known: {string.Join(", ", suites.Select(s => s.Name))})");
                suites = suites.Where(s => wanted.Contains(s.Name)).ToList();
            }
            var error = parse.InvocationConfiguration.Error;
            if (!peers) error.WriteLine(parse.GetValue(noPeers) ? "bench all: --no-peers: the issues' figures are printed beside Condense's"
                : $"bench all: peers not available ({why}); the issues' figures are printed beside Condense's");
            var figures = new List<BenchFigure>();
            var runs = new List<(string, double, string)>();
            foreach (var suite in suites)
            {
                var clock = Stopwatch.StartNew();
                if (suite.InProcess is { } workflow)
                {
                    error.WriteLine($"bench all: {suite.Name}: in this process (as condense {string.Join(" ", suite.Arguments)})");
                    var (inProcess, how) = BenchRunner.RunInProcess(suite, workflow);
                    if (how != "ok" && suite.InProcessWithoutPeers is { } withoutPeers)
                    {
                        // A peer that fails (missing package, changed output) must not cost the suite: again with the quoted figures.
                        error.WriteLine($"bench all: {suite.Name}: {how}; again without --peers");
                        var (again, how2) = BenchRunner.RunInProcess(suite, withoutPeers);
                        (inProcess, how) = (again, how2 == "ok" ? $"peer failed ({how}); issue figures" : how2);
                    }
                    figures.AddRange(inProcess);
                    runs.Add((suite.Name, clock.Elapsed.TotalSeconds, how));
                    error.WriteLine($"bench all: {suite.Name}: {how} in {clock.Elapsed.TotalSeconds:F0} s");
                    continue;
                }
                error.WriteLine($"bench all: {suite.Name}: condense {string.Join(" ", suite.Arguments)}");
                var (document, status) = BenchRunner.RunSuite(suite.Arguments);
                if (document is null && suite.Arguments.Contains("--peers"))
                {
                    // A peer that fails (missing package, changed output) must not cost the suite: rerun with the quoted figures.
                    error.WriteLine($"bench all: {suite.Name}: {status}; again without --peers");
                    var (again, status2) = BenchRunner.RunSuite(suite.Arguments.Where(a => a != "--peers").ToList());
                    (document, status) = (again, again is null ? status2 : $"peer failed ({status}); issue figures");
                }
                var seconds = clock.Elapsed.TotalSeconds;
                IReadOnlyList<BenchFigure> lines;
                try
                {
                    lines = document is null ? BenchSuites.Failed(suite, status) : suite.Figures(document);
                }
                catch (Exception ex) when (ex is InvalidOperationException or NullReferenceException or FormatException or JsonException or KeyNotFoundException or ArgumentException)
                {
                    lines = BenchSuites.Failed(suite, $"unexpected output: {ex.Message}");
                    status = "unexpected output";
                }
                figures.AddRange(lines);
                runs.Add((suite.Name, seconds, status));
                error.WriteLine($"bench all: {suite.Name}: {status} in {seconds:F0} s");
            }
            var path = parse.GetValue(output) ?? BenchRunner.DefaultOutput();
            var commandLine = "condense bench all" + (parse.Tokens.Count > 2 ? " " + string.Join(" ", parse.Tokens.Skip(2).Select(t => t.Value)) : "");
            var markdown = BenchResults.Markdown(figures, runs, started, BenchResults.Machine(), loadBefore, BenchResults.LoadAverage(), commandLine);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            AtomicFile.WriteAllText(path, markdown);
            if (parse.GetValue(json))
            {
                CliConsole.WriteJson(parse, new { bench = "all", peers = peers ? "live" : "issue", results = path, figures, suites = runs.Select(r => new { name = r.Item1, seconds = r.Item2, status = r.Item3 }) });
                return 0;
            }
            var console = CliConsole.For(parse);
            var table = new Table().Title($"condense bench all ({(peers ? "peers live" : "peers: the issues' figures")}); load average {loadBefore}");
            foreach (var c in BenchResults.Columns) table.AddColumn(c);
            foreach (var f in figures)
                table.AddRow(Markup.Escape(f.Issue), Markup.Escape(f.Figure), Markup.Escape(f.Condense), Markup.Escape(f.Peer), Markup.Escape(f.Target), BenchResults.Verdict(f.Met));
            console.Write(table);
            console.WriteLine($"{figures.Count(f => f.Met == true)} of {figures.Count(f => f.Met is not null)} targets met; written to {path}");
            return 0;
        });
        return command;
    }
}
