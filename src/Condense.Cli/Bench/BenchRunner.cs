using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Condense.Cli.Imaging;

namespace Condense.Cli.Bench;

/// <summary><c>condense bench all</c>'s plumbing: a suite in this process or in a child process, whether the peers can run, where the results go.</summary>
public static class BenchRunner
{
    /// <summary>Longest a suite may run before it is stopped and reported as not run.</summary>
    static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(20);

    /// <summary>Runs <c>condense ARGS</c> in a child process and parses the JSON it prints; null and a reason when it fails.</summary>
    public static (JsonNode? Document, string Status) RunSuite(IReadOnlyList<string> arguments)
    {
        var cli = typeof(BenchRunner).Assembly.Location;
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

    /// <summary>
    /// Runs an in-process suite's workflow; a failure the library reports (bad input, a missing
    /// file or model, a failed HTTP request to the Studio, a native LibTorch error) becomes the suite's "did not run" line, so one suite cannot stop the table.
    /// </summary>
    public static (IReadOnlyList<BenchFigure> Figures, string Status) RunInProcess(BenchSuite suite, Func<IReadOnlyList<BenchFigure>> workflow)
    {
        try
        {
            return (workflow(), "ok");
        }
        catch (Exception ex) when (ex is CondenseException or IOException or InvalidOperationException or HttpRequestException or TimeoutException
            or ArgumentException or System.Runtime.InteropServices.ExternalException)
        {
            var reason = ex.Message.Split('\n')[0].Trim();
            return (BenchSuites.Failed(suite, reason), $"failed: {reason}");
        }
    }

    /// <summary>Whether the Python peers can run here: the scripts, Debian's python3 with scikit-learn and torch, pngquant.</summary>
    public static bool PeersAvailable(out string why)
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
    public static string DefaultOutput()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Condense.slnx")))
                return Path.Combine(dir.FullName, "bench", "results.md");
        return Path.Combine("bench", "results.md");
    }
}
