using System.Globalization;
using System.Text;

namespace Condense.Cli.Bench;

/// <summary>
/// <c>bench/results.md</c>: the figures of one <c>condense bench all</c> run as a Markdown table,
/// headed by when, on what machine and under what load they were taken (the machine is shared,
/// so the load average is part of the result).
/// </summary>
public static class BenchResults
{
    public static readonly string[] Columns = ["issue", "figure", "Condense", "peer", "ratio / target", "met?"];

    public static string Verdict(bool? met) => met switch { true => "yes", false => "NO", null => "–" };

    /// <summary>The Markdown document; <paramref name="suites"/> gives each suite's seconds and exit status.</summary>
    public static string Markdown(IReadOnlyList<BenchFigure> figures, IReadOnlyList<(string Name, double Seconds, string Status)> suites,
        DateTimeOffset started, string machine, string loadBefore, string loadAfter, string commandLine)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Benchmark results");
        md.AppendLine();
        md.AppendLine(inv, $"Written by `{commandLine}` ({nameof(Condense)} `bench all`).");
        md.AppendLine();
        md.AppendLine(inv, $"- Date: {started.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine(inv, $"- Machine: {machine}");
        md.AppendLine(inv, $"- Load average (1, 5, 15 min): {loadBefore} before, {loadAfter} after");
        md.AppendLine(inv, $"- Met: {figures.Count(f => f.Met == true)} of {figures.Count(f => f.Met is not null)} figures with a verdict");
        md.AppendLine();
        md.AppendLine("Peer figures marked *live* were measured in the same run on the same machine by the Python scripts in");
        md.AppendLine("`../shared/peers` (scikit-learn 1.2, PyTorch 1.13, pngquant 2.17); *issue* marks the figure the issue quotes,");
        md.AppendLine("printed when the peer could not be run. Times are wall seconds, best of the suite's repeats; on a loaded");
        md.AppendLine("machine they are inflated (see the load average) and the ratios are the fairer reading.");
        md.AppendLine();
        md.AppendLine("| " + string.Join(" | ", Columns) + " |");
        md.AppendLine("|" + string.Concat(Columns.Select(_ => "---|")));
        foreach (var f in figures)
            md.AppendLine("| " + string.Join(" | ", new[] { f.Issue, f.Figure, f.Condense, f.Peer, f.Target, Verdict(f.Met) }.Select(Cell)) + " |");
        md.AppendLine();
        md.AppendLine("| suite | seconds | status |");
        md.AppendLine("|---|---|---|");
        foreach (var (name, seconds, status) in suites)
            md.AppendLine(inv, $"| {name} | {seconds:F0} | {Cell(status)} |");
        return md.ToString();
    }

    static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    /// <summary>"2 cores, Intel(R) Xeon(R) …, 24 GiB, Debian GNU/Linux 12 (bookworm)" from /proc and /etc/os-release.</summary>
    public static string Machine()
    {
        string? cpu = null, os = null;
        double? memory = null;
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
            var mem = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (mem is not null) memory = long.Parse(mem.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1048576.0;
            os = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"');
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        var parts = new List<string> { $"{Environment.ProcessorCount} cores" };
        if (cpu is not null) parts.Add(cpu);
        if (memory is not null) parts.Add($"{memory:F0} GiB");
        parts.Add(os ?? Environment.OSVersion.ToString());
        parts.Add($".NET {Environment.Version}");
        return string.Join(", ", parts);
    }

    /// <summary>The 1, 5 and 15-minute load averages from /proc/loadavg, or "unknown".</summary>
    public static string LoadAverage() => LoadAverages.Read() is { } load ? string.Join(", ", load) : "unknown";
}
