using System.Diagnostics;
using System.Globalization;
using Condense.Formats;
using Condense.Imaging;

namespace Condense.Cli.Imaging;

/// <summary>
/// The work of <c>condense bench image</c>: colour quantization against scikit-learn KMeans (full
/// k-means, n_init=1) and pngquant (--speed 4 --nofs). Condense's time is the best of several runs
/// of the whole job a user runs — decode the PNG, quantize, encode and write the indexed PNG — as
/// pngquant's includes its PNG I/O. With peers they run live on the same images; without, the
/// issue's figures (astronaut.png, a quiet machine) are reported beside.
/// </summary>
public static class ImageBench
{
    /// <summary>The figures: k → (sklearn s, sklearn error, pngquant s, pngquant error), astronaut.png 512×512.</summary>
    public static readonly IReadOnlyDictionary<int, (double SklearnSeconds, double SklearnError, double PngquantSeconds, double PngquantError)> Quoted =
        new Dictionary<int, (double, double, double, double)>
        {
            [8] = (0.220, 36.97, 0.157, 40.39),
            [32] = (0.798, 15.82, 0.165, 16.53),
            [256] = (5.711, 6.35, 0.175, 6.46),
        };

    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static List<BenchImageRow> Run(IReadOnlyList<string> images, IReadOnlyList<int> ks, int repeats, bool peers, TextWriter progress)
    {
        string? peersDir = null, pngquant = null;
        if (peers)
        {
            peersDir = ColorPeers.FindPeersDirectory() ?? throw new CondenseException("bench image --peers: no shared/peers/colorquant.py above this folder (set CONDENSE_PEERS)");
            pngquant = ColorPeers.FindPngquant() ?? throw new CondenseException("bench image --peers: pngquant is not installed (apt-get install pngquant)");
            if (!File.Exists(ColorPeers.Python))
            {
                throw new CondenseException($"bench image --peers: {ColorPeers.Python} is missing (run ../shared/peers/setup.sh)");
            }
        }
        var work = Directory.CreateTempSubdirectory("condense-bench-image-");
        try
        {
            var rows = new List<BenchImageRow>();
            foreach (var name in images)
            {
                var (path, image) = BenchImages.Prepare(name, work.FullName);
                if (path is null)
                {
                    progress.WriteLine($"bench image: skipping {name} ({BenchImages.AstronautPath} is not installed; python3-skimage has it)");
                    continue;
                }
                Dictionary<int, (double Seconds, double MeanError)>? sklearn = null;
                if (peersDir is not null)
                {
                    progress.WriteLine($"bench image: {name}: scikit-learn KMeans …");
                    sklearn = ColorPeers.RunSklearn(peersDir, path, ks);
                }
                foreach (var k in ks)
                {
                    progress.WriteLine($"bench image: {name} k={k} …");
                    var (seconds, cpu, quantize, error, bytes) = TimeCondense(path, k, repeats, Path.Combine(work.FullName, $"condense-{k}.png"));
                    double? skS = null, skE = null, pqS = null, pqCpu = null, pqE = null;
                    long? pqBytes = null;
                    var source = "none";
                    if (pngquant is not null && sklearn is not null)
                    {
                        if (sklearn.TryGetValue(k, out var sk))
                        {
                            (skS, skE) = (sk.Seconds, sk.MeanError);
                        }
                        var pq = ColorPeers.RunPngquant(pngquant, path, image, k, repeats, work.FullName);
                        (pqS, pqCpu, pqE, pqBytes) = (pq.Seconds, pq.CpuSeconds, pq.MeanError, pq.Bytes);
                        source = "live";
                    }
                    else if (name == "astronaut" && Quoted.TryGetValue(k, out var q))
                    {
                        (skS, skE, pqS, pqE) = (q.SklearnSeconds, q.SklearnError, q.PngquantSeconds, q.PngquantError);
                        source = "issue";
                    }
                    rows.Add(new BenchImageRow(name, image.Width, image.Height, k, seconds, cpu, quantize, error, bytes, skS, skE, pqS, pqCpu, pqE, pqBytes, source));
                }
            }
            return rows;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Best wall and CPU seconds of the whole job (decode, quantize, encode, write), after a warm-up.</summary>
    static (double Seconds, double Cpu, double Quantize, double MeanError, long Bytes) TimeCondense(string path, int k, int repeats, string output)
    {
        var quantizer = new ColorQuantizer(new ColorQuantizerOptions { Colors = k });
        double best = double.PositiveInfinity, bestCpu = double.PositiveInfinity, bestQuantize = double.PositiveInfinity;
        double error = 0;
        long bytes = 0;
        var process = Process.GetCurrentProcess();
        for (var r = 0; r <= repeats; r++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var image = ImageDecoder.Decode(path);
            var q0 = clock.Elapsed.TotalSeconds;
            var result = quantizer.Quantize(image);
            var q1 = clock.Elapsed.TotalSeconds;
            bytes = IndexedPngWriter.Write(output, result);
            var seconds = clock.Elapsed.TotalSeconds;
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
            error = result.MeanError;
            if (r > 0)
            {
                best = Math.Min(best, seconds);
                bestCpu = Math.Min(bestCpu, cpu);
                bestQuantize = Math.Min(bestQuantize, q1 - q0);
            }
        }
        return (best, bestCpu, bestQuantize, error, bytes);
    }
}
