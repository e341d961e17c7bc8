using Condense.Imaging;

namespace Condense.Workflows.Imaging;

/// <summary>
/// Quantize one image to k colours (<see cref="ImageQuantization.Run"/>), or several k for a sweep
/// (<see cref="ImageQuantization.Sweep"/>). Checked on construction, before anything is read or written.
/// </summary>
public sealed record ImageQuantizationRequest
{
    /// <param name="input">A PNG/JPEG/WebP file, or <c>sample:chelsea</c> / <c>sample:coffee</c> (the bundled photos).</param>
    /// <param name="ks">Palette sizes, each 1…256 (one for a single run).</param>
    /// <param name="seed">Seed of the k-means++ start.</param>
    /// <param name="init">k-means++ or median cut.</param>
    /// <param name="maxPixels">Refuse larger images (checked from the header).</param>
    /// <param name="output">Indexed PNG to write (single run only).</param>
    /// <param name="errorMap">Error-map PNG to write (single run only).</param>
    /// <param name="errorScale">Error drawn as deep red, 1…765; null: the image's largest.</param>
    public ImageQuantizationRequest(string input, IReadOnlyList<int> ks, int seed, ColorInit init, long maxPixels,
        string? output = null, string? errorMap = null, int? errorScale = null)
    {
        if (ks.Count == 0) throw new CondenseException("image: give at least one k");
        foreach (var k in ks)
        {
            _ = new ColorQuantizer(new ColorQuantizerOptions { Colors = k, Seed = seed, Init = init });   // its own range check and message
        }
        if (errorScale is { } s && s is < 1 or > 765)
        {
            throw new CondenseException($"image: --error-scale must be between 1 and 765, got {s}");
        }
        if (ks.Count > 1 && (output is not null || errorMap is not null))
        {
            throw new CondenseException("image: --output and --error-map go with --colors, not --sweep");
        }
        (Input, Ks, Seed, Init, MaxPixels, Output, ErrorMap, ErrorScale) = (input, ks.ToArray(), seed, init, maxPixels, output, errorMap, errorScale);
    }

    /// <summary>The image file or bundled sample.</summary>
    public string Input { get; }
    /// <summary>Palette sizes.</summary>
    public IReadOnlyList<int> Ks { get; }
    /// <summary>Seed of the k-means++ start.</summary>
    public int Seed { get; }
    /// <summary>How the palette starts (k-means++ or median cut).</summary>
    public ColorInit Init { get; }
    /// <summary>Largest image accepted, in pixels.</summary>
    public long MaxPixels { get; }
    /// <summary>Indexed PNG to write, or null.</summary>
    public string? Output { get; }
    /// <summary>Error-map PNG to write, or null.</summary>
    public string? ErrorMap { get; }
    /// <summary>Error drawn as deep red; null scales to the image's largest error.</summary>
    public int? ErrorScale { get; }
}

/// <summary>One image quantized: the result, its sizes with the PNG's bytes, and what was written.</summary>
public sealed record ImageQuantizationReport(RgbImage Image, QuantizedImage Result, QuantizationSizes Sizes, double Seconds, long PngBytes, long? ErrorMapBytes);

/// <summary>One k of a sweep.</summary>
public sealed record ImageSweepPoint(int K, int PaletteColors, double MeanError, int MaxError, int BitsPerIndex, long PackedBytes, long PngBytes, long RawBytes, double Seconds);
