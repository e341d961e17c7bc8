using System.CommandLine;
using System.Globalization;
using Condense.Cli.Imaging;
using Condense.Imaging;
using Condense.Workflows.Imaging;

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
        int[] ks = request.Sweep is { } list ? ParseSweep(list) : [request.Colors!.Value];
        var work = new ImageQuantizationRequest(request.Input, ks, request.Seed, init, request.MaxPixels, request.Output, request.ErrorMap, request.ErrorScale);
        if (request.Sweep is null)
        {
            ImageReportView.Write(stdout, work, request.Init, ImageQuantization.Run(work), request.Json);
            return 0;
        }
        var (image, points) = ImageQuantization.Sweep(work);
        if (request.Plot is not null)
        {
            SweepPlot.Write(request.Plot, request.Input, points);
        }
        ImageReportView.WriteSweep(stdout, work, image, points, request.Plot, request.Json);
        return 0;
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
}
