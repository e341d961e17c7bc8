using System.Globalization;
using System.Text.Json;
using Condense.Imaging;
using Condense.Workflows.Imaging;
using Spectre.Console;

namespace Condense.Cli.Imaging;

/// <summary><c>condense image</c>'s output: one quantized image or a sweep, as a table or one line of JSON.</summary>
public static class ImageReportView
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>One line of JSON, with "+" and "×" left as they are.</summary>
    public static void Write(TextWriter stdout, ImageQuantizationRequest request, string init, ImageQuantizationReport report, bool json)
    {
        var (image, result, sizes) = (report.Image, report.Result, report.Sizes);
        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(new
            {
                input = request.Input, width = image.Width, height = image.Height, distinctColors = result.DistinctColors,
                k = result.RequestedColors, paletteColors = result.Palette.Count, seed = request.Seed, init,
                iterations = result.Iterations, meanError = result.MeanError, maxError = result.MaxError,
                rawRgbBytes = sizes.RawRgbBytes, paletteBytes = sizes.PaletteBytes, bitsPerIndex = sizes.BitsPerIndex,
                packedBytes = sizes.PackedBytes, pngBytes = sizes.FileBytes, packedTimesSmaller = sizes.PackedTimesSmaller, pngTimesSmaller = sizes.FileTimesSmaller,
                seconds = report.Seconds, output = request.Output, errorMap = request.ErrorMap, errorMapBytes = report.ErrorMapBytes,
                palette = result.Palette.Select(c => c.ToString()).ToArray(),
            }, CliConsole.SnakeJson));
            return;
        }
        var table = new Table().AddColumn("quantity").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("image", Markup.Escape($"{request.Input} ({image.Width}×{image.Height}, {result.DistinctColors} distinct colours)"));
        table.AddRow("k (palette entries used)", $"{result.RequestedColors} ({result.Palette.Count})");
        table.AddRow("Lloyd iterations", result.Iterations.ToString(Inv));
        table.AddRow("mean error Σ|W−Q| (0…765)", result.MeanError.ToString("F3", Inv));
        table.AddRow("largest error", result.MaxError.ToString(Inv));
        table.AddRow("raw RGB bytes", sizes.RawRgbBytes.ToString("N0", Inv));
        table.AddRow($"palette + {sizes.BitsPerIndex}-bit indices bytes", $"{sizes.PackedBytes.ToString("N0", Inv)} ({sizes.PackedTimesSmaller.ToString("F1", Inv)}× smaller)");
        table.AddRow($"indexed PNG bytes (bit depth {IndexedPngWriter.BitDepthFor(result.Palette.Count)})", $"{sizes.FileBytes!.Value.ToString("N0", Inv)} ({sizes.FileTimesSmaller!.Value.ToString("F1", Inv)}× smaller)");
        table.AddRow("quantize seconds", report.Seconds.ToString("F3", Inv));
        ConsoleFor(stdout).Write(table);
        if (request.Output is not null) stdout.WriteLine($"wrote {request.Output} ({report.PngBytes} bytes)");
        if (request.ErrorMap is not null) stdout.WriteLine($"wrote {request.ErrorMap} ({report.ErrorMapBytes} bytes)");
    }

    public static void WriteSweep(TextWriter stdout, ImageQuantizationRequest request, RgbImage image, IReadOnlyList<ImageSweepPoint> rows, string? plot, bool json)
    {
        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(new
            {
                input = request.Input, width = image.Width, height = image.Height, seed = request.Seed, plot,
                runs = rows.Select(r => new
                {
                    k = r.K, paletteColors = r.PaletteColors, meanError = r.MeanError, maxError = r.MaxError,
                    bitsPerIndex = r.BitsPerIndex, packedBytes = r.PackedBytes, pngBytes = r.PngBytes,
                    rawRgbBytes = r.RawBytes, seconds = r.Seconds,
                }),
            }, CliConsole.SnakeJson));
            return;
        }
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
        ConsoleFor(stdout).Write(table);
        if (plot is not null) stdout.WriteLine($"wrote {plot}");
    }

    static IAnsiConsole ConsoleFor(TextWriter writer)
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
