using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Condense.Cli.Imaging;
using Condense.Imaging;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense image IN --colors K -o OUT.png [--error-map ERR.png]</c>: colour quantization
/// (weight sharing on an image) to a real indexed PNG; <c>--sweep 1,2,4,…</c> tabulates and plots
/// mean error and file size against k. IN is a PNG/JPEG/WebP file or <c>sample:chelsea</c> /
/// <c>sample:coffee</c>.
/// </summary>
public static class ImageCommand
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>One line of JSON, with "+" and "×" left as they are.</summary>
    static readonly JsonSerializerOptions JsonLine = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "PNG, JPEG or WebP image, or sample:chelsea / sample:coffee (bundled CC0 photos)." };
        var colors = new Option<int?>("--colors", "-k") { Description = "Palette size k, 1…256." };
        var output = new Option<string?>("--output", "-o") { Description = "Indexed PNG to write (with --colors)." };
        var errorMap = new Option<string?>("--error-map") { Description = "PNG of each pixel's error Σ|W−Q|, white (0) to deep red (largest)." };
        var errorScale = new Option<int?>("--error-scale") { Description = "Error shown as deep red, 1…765 (default: the image's largest)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the k-means++ start.", DefaultValueFactory = _ => 0 };
        var init = new Option<string>("--init") { Description = "Start: kmeans++ or median-cut.", DefaultValueFactory = _ => "kmeans++" };
        var sweep = new Option<string?>("--sweep") { Description = "Comma-separated k values, e.g. 1,2,4,8,16,32,64,128,256." };
        var plot = new Option<string?>("--plot") { Description = "PNG plot of mean error and file size against k (with --sweep)." };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Refuse images with more pixels than this (checked from the header).", DefaultValueFactory = _ => ImageDecodeOptions.DefaultMaxPixels };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };

        var command = new Command("image", "Quantize an image to k shared colours: indexed PNG, error map, sizes.")
        {
            input, colors, output, errorMap, errorScale, seed, init, sweep, plot, maxPixels, json,
        };
        command.SetAction(int (parse) =>
        {
            var options = new ImageRequest(
                parse.GetValue(input)!, parse.GetValue(colors), parse.GetValue(output), parse.GetValue(errorMap),
                parse.GetValue(errorScale), parse.GetValue(seed), parse.GetValue(init)!, parse.GetValue(sweep),
                parse.GetValue(plot), parse.GetValue(maxPixels), parse.GetValue(json));
            return Run(options, parse.InvocationConfiguration.Output);
        });
        return command;
    }

    /// <summary>The command's settings, as parsed.</summary>
    public sealed record ImageRequest(
        string Input, int? Colors, string? Output, string? ErrorMap, int? ErrorScale, int Seed, string Init,
        string? Sweep, string? Plot, long MaxPixels, bool Json);

    public static int Run(ImageRequest request, TextWriter stdout)
    {
        // Check every setting before reading or writing anything.
        if (request.Colors is null == request.Sweep is null)
        {
            throw new CondenseException("image: give exactly one of --colors K and --sweep K1,K2,…");
        }
        if (request.Sweep is null && request.Plot is not null)
        {
            throw new CondenseException("image: --plot needs --sweep");
        }
        if (request.Sweep is not null && (request.Output is not null || request.ErrorMap is not null))
        {
            throw new CondenseException("image: --output and --error-map go with --colors, not --sweep");
        }
        var init = request.Init.ToLowerInvariant() switch
        {
            "kmeans++" or "k-means++" => ColorInit.KMeansPlusPlus,
            "median-cut" or "mediancut" => ColorInit.MedianCut,
            _ => throw new CondenseException($"image: --init must be kmeans++ or median-cut, got '{request.Init}'"),
        };
        var ks = request.Sweep is { } list ? ParseSweep(list) : [request.Colors!.Value];
        foreach (var k in ks)
        {
            _ = new ColorQuantizer(new ColorQuantizerOptions { Colors = k, Seed = request.Seed, Init = init });
        }
        if (request.ErrorScale is { } s && s is < 1 or > 765)
        {
            throw new CondenseException($"image: --error-scale must be between 1 and 765, got {s}");
        }
        var decode = new ImageDecodeOptions { MaxPixels = request.MaxPixels };
        var image = LoadInput(request.Input, decode);

        if (request.Sweep is not null)
        {
            return RunSweep(request, image, ks, init, stdout);
        }

        var clock = Stopwatch.StartNew();
        var quantizer = new ColorQuantizer(new ColorQuantizerOptions { Colors = ks[0], Seed = request.Seed, Init = init });
        var result = quantizer.Quantize(image);
        var seconds = clock.Elapsed.TotalSeconds;
        var png = IndexedPngWriter.Encode(result);
        var sizes = result.Sizes with { FileBytes = png.LongLength };
        if (request.Output is not null)
        {
            Formats.AtomicFile.WriteAllBytes(request.Output, png);
        }
        long? errorMapBytes = null;
        if (request.ErrorMap is not null)
        {
            errorMapBytes = ErrorMap.WritePng(request.ErrorMap, result, request.ErrorScale);
        }

        if (request.Json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(new
            {
                input = request.Input,
                width = image.Width,
                height = image.Height,
                distinctColors = result.DistinctColors,
                k = result.RequestedColors,
                paletteColors = result.Palette.Count,
                seed = request.Seed,
                init = request.Init,
                iterations = result.Iterations,
                meanError = result.MeanError,
                maxError = result.MaxError,
                rawRgbBytes = sizes.RawRgbBytes,
                paletteBytes = sizes.PaletteBytes,
                bitsPerIndex = sizes.BitsPerIndex,
                packedBytes = sizes.PackedBytes,
                pngBytes = sizes.FileBytes,
                packedRatio = sizes.PackedRatio,
                pngRatio = sizes.FileRatio,
                seconds,
                output = request.Output,
                errorMap = request.ErrorMap,
                errorMapBytes,
                palette = result.Palette.Select(c => c.ToString()).ToArray(),
            }, JsonLine));
            return 0;
        }
        var console = ConsoleFor(stdout);
        var table = new Table().AddColumn("quantity").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("image", Markup.Escape($"{request.Input} ({image.Width}×{image.Height}, {result.DistinctColors} distinct colours)"));
        table.AddRow("k (palette entries used)", $"{result.RequestedColors} ({result.Palette.Count})");
        table.AddRow("Lloyd iterations", result.Iterations.ToString(Inv));
        table.AddRow("mean error Σ|W−Q| (0…765)", result.MeanError.ToString("F3", Inv));
        table.AddRow("largest error", result.MaxError.ToString(Inv));
        table.AddRow("raw RGB bytes", sizes.RawRgbBytes.ToString("N0", Inv));
        table.AddRow($"palette + {sizes.BitsPerIndex}-bit indices bytes", $"{sizes.PackedBytes.ToString("N0", Inv)} ({sizes.PackedRatio.ToString("F1", Inv)}×)");
        table.AddRow($"indexed PNG bytes (bit depth {IndexedPngWriter.BitDepthFor(result.Palette.Count)})", $"{sizes.FileBytes!.Value.ToString("N0", Inv)} ({sizes.FileRatio!.Value.ToString("F1", Inv)}×)");
        table.AddRow("quantize seconds", seconds.ToString("F3", Inv));
        console.Write(table);
        if (request.Output is not null)
        {
            stdout.WriteLine($"wrote {request.Output} ({png.LongLength} bytes)");
        }
        if (request.ErrorMap is not null)
        {
            stdout.WriteLine($"wrote {request.ErrorMap} ({errorMapBytes} bytes)");
        }
        return 0;
    }

    static int RunSweep(ImageRequest request, RgbImage image, int[] ks, ColorInit init, TextWriter stdout)
    {
        var rows = new List<SweepRow>();
        foreach (var k in ks)
        {
            var clock = Stopwatch.StartNew();
            var result = new ColorQuantizer(new ColorQuantizerOptions { Colors = k, Seed = request.Seed, Init = init }).Quantize(image);
            var seconds = clock.Elapsed.TotalSeconds;
            var png = IndexedPngWriter.Encode(result);
            rows.Add(new SweepRow(k, result.Palette.Count, result.MeanError, result.MaxError, result.Sizes.BitsPerIndex,
                result.Sizes.PackedBytes, png.LongLength, result.Sizes.RawRgbBytes, seconds));
        }
        if (request.Plot is not null)
        {
            SweepPlot.Write(request.Plot, request.Input, rows);
        }
        if (request.Json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(new
            {
                input = request.Input,
                width = image.Width,
                height = image.Height,
                seed = request.Seed,
                plot = request.Plot,
                runs = rows.Select(r => new
                {
                    k = r.K, paletteColors = r.PaletteColors, meanError = r.MeanError, maxError = r.MaxError,
                    bitsPerIndex = r.BitsPerIndex, packedBytes = r.PackedBytes, pngBytes = r.PngBytes,
                    rawRgbBytes = r.RawBytes, seconds = r.Seconds,
                }),
            }, JsonLine));
            return 0;
        }
        var console = ConsoleFor(stdout);
        var table = new Table().Title(Markup.Escape($"{request.Input}: {image.Width}×{image.Height}, raw RGB {rows[0].RawBytes:N0} bytes"));
        foreach (var h in new[] { "k", "used", "mean error", "max error", "bits", "packed bytes", "PNG bytes", "PNG ratio", "seconds" })
        {
            table.AddColumn(new TableColumn(h).RightAligned());
        }
        foreach (var r in rows)
        {
            table.AddRow(r.K.ToString(Inv), r.PaletteColors.ToString(Inv), r.MeanError.ToString("F3", Inv), r.MaxError.ToString(Inv),
                r.BitsPerIndex.ToString(Inv), r.PackedBytes.ToString("N0", Inv), r.PngBytes.ToString("N0", Inv),
                ((double)r.RawBytes / r.PngBytes).ToString("F1", Inv) + "×", r.Seconds.ToString("F3", Inv));
        }
        console.Write(table);
        if (request.Plot is not null)
        {
            stdout.WriteLine($"wrote {request.Plot}");
        }
        return 0;
    }

    /// <summary>Reads a file or a bundled sample (<c>sample:NAME</c>).</summary>
    public static RgbImage LoadInput(string input, ImageDecodeOptions options)
    {
        const string prefix = "sample:";
        if (input.StartsWith(prefix, StringComparison.Ordinal))
        {
            var name = input[prefix.Length..];
            var png = SampleImages.LoadPng(name);
            return ImageDecoder.Decode(png, input, options);
        }
        return ImageDecoder.Decode(input, options);
    }

    static int[] ParseSweep(string list)
    {
        var parts = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new CondenseException("image: --sweep needs at least one k");
        }
        var ks = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, Inv, out ks[i]) || ks[i] is < 1 or > 256)
            {
                throw new CondenseException($"image: --sweep values must be integers 1…256, got '{parts[i]}'");
            }
        }
        return ks;
    }

    internal static IAnsiConsole ConsoleFor(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 160;
        return console;
    }
}
