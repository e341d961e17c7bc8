using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Condense.Imaging;

namespace Condense.Cli.Imaging;

/// <summary>
/// Runs the colour-quantization peers: scikit-learn KMeans through ../shared/peers/colorquant.py
/// (Debian's /usr/bin/python3), and pngquant directly (so its time is the best of several runs,
/// like Condense's, and includes its process start and PNG I/O as the figures do).
/// </summary>
public static class ColorPeers
{
    public const string Python = "/usr/bin/python3";

    /// <summary>The peers folder: $CONDENSE_PEERS, else the first shared/peers found above the working directory.</summary>
    public static string? FindPeersDirectory()
    {
        if (Environment.GetEnvironmentVariable("CONDENSE_PEERS") is { Length: > 0 } env && Directory.Exists(env))
        {
            return env;
        }
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "peers");
            if (File.Exists(Path.Combine(candidate, "colorquant.py")))
            {
                return candidate;
            }
        }
        return null;
    }

    public static string? FindPngquant() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "pngquant")).FirstOrDefault(File.Exists);

    /// <summary>scikit-learn's seconds and mean error per k, from one run of colorquant.py.</summary>
    public static Dictionary<int, (double Seconds, double MeanError)> RunSklearn(string peersDir, string png, IReadOnlyList<int> ks)
    {
        var args = new List<string> { Path.Combine(peersDir, "colorquant.py"), "--image", png, "--k" };
        args.AddRange(ks.Select(k => k.ToString(CultureInfo.InvariantCulture)));
        var (code, stdout, stderr) = Run(Python, args, TimeSpan.FromMinutes(10));
        if (code != 0)
        {
            throw new CondenseException($"colorquant.py failed (exit {code}): {stderr.Trim().Split('\n').LastOrDefault()}");
        }
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n').Last());
        var result = new Dictionary<int, (double, double)>();
        foreach (var run in json.RootElement.GetProperty("runs").EnumerateArray())
        {
            result[run.GetProperty("k").GetInt32()] = (run.GetProperty("sklearn_time_s").GetDouble(), run.GetProperty("sklearn_mae").GetDouble());
        }
        return result;
    }

    /// <summary>GNU time, used to read pngquant's own CPU seconds (user + system).</summary>
    public const string GnuTime = "/usr/bin/time";

    /// <summary>
    /// pngquant --speed 4 --nofs: best wall seconds of <paramref name="repeats"/> runs, best CPU
    /// seconds (user + system, from GNU time when installed), mean error and file bytes.
    /// </summary>
    public static (double Seconds, double? CpuSeconds, double MeanError, long Bytes) RunPngquant(string pngquant, string png, RgbImage original, int k, int repeats, string workDir)
    {
        var output = Path.Combine(workDir, $"pngquant-{k}.png");
        var best = double.PositiveInfinity;
        double? bestCpu = null;
        string[] args = ["--force", "--speed", "4", "--nofs", "--output", output, k.ToString(CultureInfo.InvariantCulture), "--", png];
        for (var r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            var (code, _, stderr) = Run(pngquant, args, TimeSpan.FromMinutes(2));
            var seconds = clock.Elapsed.TotalSeconds;
            if (code != 0)
            {
                throw new CondenseException($"pngquant {k} failed (exit {code}): {stderr.Trim()}");
            }
            best = Math.Min(best, seconds);
            if (File.Exists(GnuTime))
            {
                var (timedCode, _, timed) = Run(GnuTime, ["-f", "condense-cpu %U %S", pngquant, .. args], TimeSpan.FromMinutes(2));
                var line = timed.Split('\n').LastOrDefault(l => l.StartsWith("condense-cpu ", StringComparison.Ordinal));
                if (timedCode == 0 && line is not null)
                {
                    var parts = line.Split(' ');
                    var cpu = double.Parse(parts[1], CultureInfo.InvariantCulture) + double.Parse(parts[2], CultureInfo.InvariantCulture);
                    bestCpu = Math.Min(bestCpu ?? double.PositiveInfinity, cpu);
                }
            }
        }
        var quantized = ImageDecoder.Decode(output);
        long total = 0;
        for (var i = 0; i < original.Pixels.Length; i++)
        {
            total += Math.Abs(original.Pixels[i] - quantized.Pixels[i]);
        }
        return (best, bestCpu, (double)total / original.PixelCount, new FileInfo(output).Length);
    }

    internal static (int Code, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info) ?? throw new CondenseException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new CondenseException($"{file} took longer than {timeout.TotalSeconds:F0} s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
