using System.Diagnostics;
using Condense.Formats;
using Condense.Imaging;

namespace Condense.Workflows.Imaging;

/// <summary>
/// <c>condense image</c>'s use case: read the image (or a bundled sample), quantize it, write the
/// indexed PNG (temporary file, renamed) and the error map; or quantize it at several k and measure each.
/// </summary>
public static class ImageQuantization
{
    /// <summary>Quantizes the request's image to its one k and writes the indexed PNG and error map it names.</summary>
    public static ImageQuantizationReport Run(ImageQuantizationRequest request)
    {
        var image = Load(request.Input, new ImageDecodeOptions { MaxPixels = request.MaxPixels });
        var clock = Stopwatch.StartNew();
        var result = new ColorQuantizer(new ColorQuantizerOptions { Colors = request.Ks[0], Seed = request.Seed, Init = request.Init }).Quantize(image);
        var seconds = clock.Elapsed.TotalSeconds;
        var png = IndexedPngWriter.Encode(result);
        if (request.Output is not null)
        {
            AtomicFile.WriteAllBytes(request.Output, png);
        }
        long? errorMapBytes = request.ErrorMap is null ? null : ErrorMap.WritePng(request.ErrorMap, result, request.ErrorScale);
        return new ImageQuantizationReport(image, result, result.Sizes with { FileBytes = png.LongLength }, seconds, png.LongLength, errorMapBytes);
    }

    /// <summary>Quantizes the request's image to each of its k and returns the error and size of each, for a rate–distortion curve.</summary>
    public static (RgbImage Image, IReadOnlyList<ImageSweepPoint> Points) Sweep(ImageQuantizationRequest request)
    {
        var image = Load(request.Input, new ImageDecodeOptions { MaxPixels = request.MaxPixels });
        var points = new List<ImageSweepPoint>();
        foreach (var k in request.Ks)
        {
            var clock = Stopwatch.StartNew();
            var result = new ColorQuantizer(new ColorQuantizerOptions { Colors = k, Seed = request.Seed, Init = request.Init }).Quantize(image);
            var seconds = clock.Elapsed.TotalSeconds;
            var png = IndexedPngWriter.Encode(result);
            points.Add(new ImageSweepPoint(k, result.Palette.Count, result.MeanError, result.MaxError, result.Sizes.BitsPerIndex,
                result.Sizes.PackedBytes, png.LongLength, result.Sizes.RawRgbBytes, seconds));
        }
        return (image, points);
    }

    /// <summary>Reads a file or a bundled sample (<c>sample:NAME</c>).</summary>
    public static RgbImage Load(string input, ImageDecodeOptions options)
    {
        const string prefix = "sample:";
        return input.StartsWith(prefix, StringComparison.Ordinal)
            ? ImageDecoder.Decode(SampleImages.LoadPng(input[prefix.Length..]), input, options)
            : ImageDecoder.Decode(input, options);
    }
}
