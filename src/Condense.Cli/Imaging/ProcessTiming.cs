using System.Diagnostics;
using System.Globalization;

namespace Condense.Cli.Imaging;

/// <summary>
/// One command as a whole process, start-up included, beside pngquant on the same image:
/// <c>condense image IN --colors K -o OUT</c> against <c>pngquant --speed 4 --nofs K</c>, run
/// alternately so both see the same machine load; best wall and CPU seconds (user + system,
/// from GNU time) of each. The issue measured 0.52 s against 0.19 s; the target is ≤ 2×.
/// </summary>
public static class ProcessTiming
{
    /// <summary>The condense executable this process runs as, when it is one (not under a test host or <c>dotnet exec</c>).</summary>
    public static string? CurrentExecutable()
    {
        if (System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name != "Condense.Cli") return null;
        if (Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) is "condense" or "Condense.Cli") return path;
        return new[] { "condense", "Condense.Cli" }.Select(n => Path.Combine(AppContext.BaseDirectory, n)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// <c>condense image NAME --colors K</c> as a whole process beside pngquant ; null, saying
    /// why on <paramref name="progress"/>, when there is no condense executable to run or pngquant is missing.
    /// </summary>
    public static ProcessTimingRow? RunProcess(string name, int k, int repeats, string? condense, TextWriter progress)
    {
        condense ??= ProcessTiming.CurrentExecutable();
        if (condense is null)
        {
            progress.WriteLine("bench image --process: not running as the condense executable; pass --condense PATH");
            return null;
        }
        var pngquant = ColorPeers.FindPngquant();
        if (pngquant is null)
        {
            progress.WriteLine("bench image --process: pngquant is not installed (apt-get install pngquant)");
            return null;
        }
        var work = Directory.CreateTempSubdirectory("condense-bench-process-");
        try
        {
            var (path, _) = BenchImages.Prepare(name, work.FullName);
            if (path is null)
            {
                progress.WriteLine($"bench image --process: skipping {name} (not installed)");
                return null;
            }
            progress.WriteLine($"bench image: {name} k={k} as whole processes, condense and pngquant alternately …");
            return ProcessTiming.Measure(condense, pngquant, path, name, k, repeats, work.FullName);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    public static ProcessTimingRow Measure(string condense, string pngquant, string image, string name, int k, int repeats, string workDir)
    {
        var kText = k.ToString(CultureInfo.InvariantCulture);
        string[] ours = ["image", image, "--colors", kText, "-o", Path.Combine(workDir, $"process-condense-{k}.png")];
        string[] theirs = ["--force", "--speed", "4", "--nofs", "--output", Path.Combine(workDir, $"process-pngquant-{k}.png"), kText, "--", image];
        var (cWall, cCpu, pWall, pCpu) = (double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity);
        for (var r = 0; r <= repeats; r++)   // run 0 warms the file cache for both
        {
            var (w1, c1) = Once(condense, ours);
            var (w2, c2) = Once(pngquant, theirs);
            if (r == 0) continue;
            (cWall, cCpu, pWall, pCpu) = (Math.Min(cWall, w1), Math.Min(cCpu, c1), Math.Min(pWall, w2), Math.Min(pCpu, c2));
        }
        return new ProcessTimingRow(name, k, condense, cWall, cCpu, pWall, pCpu);
    }

    /// <summary>Wall seconds of the process itself, and its CPU seconds as GNU time reports them (run separately, so its own start-up is not counted in the wall time).</summary>
    static (double Wall, double Cpu) Once(string file, string[] args)
    {
        var clock = Stopwatch.StartNew();
        var (code, _, stderr) = ColorPeers.Run(file, args, TimeSpan.FromMinutes(2));
        var wall = clock.Elapsed.TotalSeconds;
        if (code != 0) throw new CondenseException($"bench image --process: {Path.GetFileName(file)} exited {code}: {stderr.Trim()}");
        var cpu = double.NaN;
        if (File.Exists(ColorPeers.GnuTime))
        {
            var (timedCode, _, timed) = ColorPeers.Run(ColorPeers.GnuTime, ["-f", "condense-cpu %U %S", file, .. args], TimeSpan.FromMinutes(2));
            var line = timed.Split('\n').LastOrDefault(l => l.StartsWith("condense-cpu ", StringComparison.Ordinal));
            if (timedCode == 0 && line is not null)
            {
                var parts = line.Split(' ');
                cpu = double.Parse(parts[1], CultureInfo.InvariantCulture) + double.Parse(parts[2], CultureInfo.InvariantCulture);
            }
        }
        return (wall, cpu);
    }
}

/// <summary>A whole-process comparison: best wall and CPU seconds of condense and pngquant on one image and k.</summary>
public sealed record ProcessTimingRow(string Image, int K, string Condense, double CondenseSeconds, double CondenseCpuSeconds, double PngquantSeconds, double PngquantCpuSeconds)
{
    /// <summary>condense's wall time over pngquant's (the target: ≤ 2).</summary>
    public double WallRatio => CondenseSeconds / PngquantSeconds;

    /// <summary>condense's CPU time over pngquant's.</summary>
    public double CpuRatio => CondenseCpuSeconds / PngquantCpuSeconds;
}
