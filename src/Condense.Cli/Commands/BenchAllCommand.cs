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
/// <c>condense bench all</c>: runs every bench subcommand at quick settings (<see cref="BenchSuites"/>),
/// each in its own process so that one suite's threads, caches and peak memory do not colour the
/// next, prints one table of the issues' figures with the peers' beside them, and writes it to
/// <c>bench/results.md</c> with the date, the machine and its load.
/// </summary>
public static class BenchAllCommand
{
    /// <summary>Longest a suite may run before it is stopped and reported as not run.</summary>
    static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(20);

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
            var peers = !parse.GetValue(noPeers) && PeersAvailable(out why);
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
                error.WriteLine($"bench all: {suite.Name}: condense {string.Join(" ", suite.Arguments)}");
                var clock = Stopwatch.StartNew();
                var (document, status) = RunSuite(suite.Arguments);
                if (document is null && suite.Arguments.Contains("--peers"))
                {
                    // A peer that fails (missing package, changed output) must not cost the suite: rerun with the quoted figures.
                    error.WriteLine($"bench all: {suite.Name}: {status}; again without --peers");
                    var (again, status2) = RunSuite(suite.Arguments.Where(a => a != "--peers").ToList());
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
            var path = parse.GetValue(output) ?? DefaultOutput();
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

    /// <summary>Runs <c>condense ARGS</c> in a child process and parses the JSON it prints; null and a reason when it fails.</summary>
    static (JsonNode? Document, string Status) RunSuite(IReadOnlyList<string> arguments)
    {
        var cli = typeof(BenchAllCommand).Assembly.Location;
        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(cli);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        if (ColorPeers.FindPeersDirectory() is { } peers) info.Environment["CONDENSE_PEERS"] = peers;
        using var process = Process.Start(info) ?? throw new CondenseException($"bench all: could not start {host}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(SuiteTimeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (null, $"stopped after {SuiteTimeout.TotalMinutes:F0} min");
        }
        if (process.ExitCode != 0)
        {
            var last = stderr.Result.Trim().Split('\n').LastOrDefault()?.Trim() ?? "";
            return (null, $"exit {process.ExitCode}: {last}");
        }
        var text = stdout.Result;
        var start = text.IndexOfAny(['{', '[']);
        try
        {
            return start < 0 ? (null, "printed no JSON") : (JsonNode.Parse(text[start..]), "ok");
        }
        catch (JsonException ex)
        {
            return (null, $"printed malformed JSON: {ex.Message}");
        }
    }

    /// <summary>Whether the Python peers can run here: the scripts, Debian's python3 with scikit-learn and torch, pngquant.</summary>
    static bool PeersAvailable(out string why)
    {
        why = "";
        if (ColorPeers.FindPeersDirectory() is null) { why = "no shared/peers folder above this one"; return false; }
        if (!File.Exists(ColorPeers.Python)) { why = $"{ColorPeers.Python} is missing"; return false; }
        if (ColorPeers.FindPngquant() is null) { why = "pngquant is not installed"; return false; }
        var info = new ProcessStartInfo(ColorPeers.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", "import numpy, sklearn, torch" }) info.ArgumentList.Add(a);
        using var process = Process.Start(info);
        if (process is null || !process.WaitForExit(TimeSpan.FromMinutes(1)) || process.ExitCode != 0)
        {
            why = "python3 cannot import numpy, sklearn and torch (run ../shared/peers/setup.sh)";
            return false;
        }
        return true;
    }

    /// <summary>bench/results.md in the repository holding the current folder (found by Condense.slnx), else under the current folder.</summary>
    static string DefaultOutput()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Condense.slnx")))
                return Path.Combine(dir.FullName, "bench", "results.md");
        return Path.Combine("bench", "results.md");
    }
}
