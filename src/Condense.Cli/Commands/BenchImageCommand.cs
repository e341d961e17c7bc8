using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Condense.Cli.Imaging;
using Condense.Formats;
using Condense.Imaging;
using SkiaSharp;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench image</c>: colour quantization against scikit-learn KMeans (full k-means,
/// n_init=1) and pngquant 2.17 (--speed 4 --nofs) at k = 8, 32, 256. Condense's time is the best
/// of several runs of the whole job a user runs — decode the PNG, quantize, encode and write the
/// indexed PNG — as pngquant's includes its PNG I/O. With <c>--peers</c> the peers run live on the
/// same images; without, the figures (astronaut.png, a quiet machine) are printed beside.
/// </summary>
public static class BenchImageCommand
{
    /// <summary>scikit-image's 512×512 astronaut photo (NASA, public domain), the peer script's default image.</summary>
    public const string AstronautPath = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png";

    /// <summary>The figures: k → (sklearn s, sklearn error, pngquant s, pngquant error), astronaut.png 512×512.</summary>
    public static readonly IReadOnlyDictionary<int, (double SklearnSeconds, double SklearnError, double PngquantSeconds, double PngquantError)> Quoted =
        new Dictionary<int, (double, double, double, double)>
        {
            [8] = (0.220, 36.97, 0.157, 40.39),
            [32] = (0.798, 15.82, 0.165, 16.53),
            [256] = (5.711, 6.35, 0.175, 6.46),
        };

    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var images = new Option<string>("--images") { Description = "Comma-separated: astronaut (skimage's 512×512, if installed), chelsea, coffee, chelsea-512, coffee-512 (bundled photos scaled and centre-cropped to 512×512), or PNG paths.", DefaultValueFactory = _ => "astronaut,coffee-512,chelsea,coffee" };
        var ks = new Option<string>("--k") { Description = "Comma-separated palette sizes.", DefaultValueFactory = _ => "8,32,256" };
        var repeat = new Option<int>("--repeat") { Description = "Timed runs per case (the best is reported), after one warm-up.", DefaultValueFactory = _ => 5 };
        var peers = new Option<bool>("--peers") { Description = "Run scikit-learn (../shared/peers/colorquant.py) and pngquant live on the same images." };
        var json = CliConsole.JsonOption();
        var command = new Command("image", "Colour quantization: mean error and time against scikit-learn KMeans and pngquant.") { images, ks, repeat, peers, json };
        command.SetAction(parse =>
        {
            var kList = parse.GetValue(ks)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(s => int.TryParse(s, NumberStyles.Integer, Inv, out var k) && k is >= 1 and <= 256 ? k : throw new CondenseException($"bench image: --k values must be 1…256, got '{s}'"))
                .ToArray();
            var repeats = parse.GetValue(repeat);
            if (repeats is < 1 or > 100)
            {
                throw new CondenseException($"bench image: --repeat must be 1…100, got {repeats}");
            }
            var rows = Run(parse.GetValue(images)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), kList, repeats, parse.GetValue(peers), Console.Error);
            if (parse.GetValue(json))
            {
                CliConsole.WriteJson(parse, new { bench = "image", repeats, rows });
                return 0;
            }
            Print(CliConsole.For(parse), rows, repeats);
            return 0;
        });
        return command;
    }

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
                var (path, image) = Prepare(name, work.FullName);
                if (path is null)
                {
                    progress.WriteLine($"bench image: skipping {name} ({AstronautPath} is not installed; python3-skimage has it)");
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

    /// <summary>A PNG file for the image (the peers read files) and its pixels.</summary>
    static (string? Path, RgbImage Image) Prepare(string name, string work)
    {
        switch (name)
        {
            case "astronaut":
                return File.Exists(AstronautPath) ? (AstronautPath, ImageDecoder.Decode(AstronautPath)) : (null, null!);
            case "chelsea" or "coffee":
            {
                var path = Path.Combine(work, name + ".png");
                File.WriteAllBytes(path, SampleImages.LoadPng(name));
                return (path, SampleImages.Load(name));
            }
            case "chelsea-512" or "coffee-512":
            {
                var image = SampleImages.Load512(name[..^4]);
                var path = Path.Combine(work, name + ".png");
                File.WriteAllBytes(path, EncodeRgbPng(image));
                return (path, image);
            }
            default:
                return (name, ImageDecoder.Decode(name));
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

    static byte[] EncodeRgbPng(RgbImage image)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[image.PixelCount * 4];
        for (int i = 0, j = 0; i < image.Pixels.Length; i += 3, j += 4)
        {
            (rgba[j], rgba[j + 1], rgba[j + 2], rgba[j + 3]) = (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2], 255);
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    static void Print(IAnsiConsole console, IReadOnlyList<BenchImageRow> rows, int repeats)
    {
        var table = new Table().Title($"colour quantization: Condense (best of {repeats}: decode + quantize + write PNG) vs peers");
        foreach (var h in new[] { "image", "k", "Condense s", "CPU s", "quantize s", "Condense error", "sklearn s", "sklearn error", "pngquant s", "pngquant CPU s", "pngquant error", "peers", "error ≤ sklearn", "time ≤ pngquant", "CPU ≤ pngquant" })
        {
            table.AddColumn(new TableColumn(h).RightAligned());
        }
        static string F(double? v, string format) => v is { } x ? x.ToString(format, Inv) : "–";
        static string B(bool? v) => v is { } b ? (b ? "yes" : "NO") : "–";
        foreach (var r in rows)
        {
            table.AddRow(Markup.Escape($"{r.Image} {r.Width}×{r.Height}"), r.K.ToString(Inv), F(r.CondenseSeconds, "F3"), F(r.CondenseCpuSeconds, "F3"),
                F(r.CondenseQuantizeSeconds, "F3"), F(r.CondenseMeanError, "F2"), F(r.SklearnSeconds, "F3"), F(r.SklearnMeanError, "F2"),
                F(r.PngquantSeconds, "F3"), F(r.PngquantCpuSeconds, "F3"), F(r.PngquantMeanError, "F2"), r.PeerSource,
                B(r.ErrorAtMostSklearn), B(r.TimeAtMostPngquant), B(r.CpuAtMostPngquant));
        }
        console.Write(table);
        console.WriteLine("Condense s / CPU s: best wall / CPU seconds of the whole job in this process; quantize s: the quantizer alone.");
        console.WriteLine("peers: live = measured now on this machine (sklearn: one run of colorquant.py; pngquant --speed 4 --nofs: best of the same repeats,");
        console.WriteLine("       process start and PNG I/O included; its CPU s from GNU time, user + system);");
        console.WriteLine("       issue = the issue's figures for astronaut.png on a quiet machine. Run with --peers to measure them here.");
    }
}
