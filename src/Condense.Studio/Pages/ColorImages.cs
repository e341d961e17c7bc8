using System.Collections.Concurrent;
using Condense.Imaging;
using Condense.Studio.Hosting;

namespace Condense.Studio.Pages;

/// <summary>
/// The photos pages 1–2 work on: the library's bundled samples and the reader's uploads. An
/// upload is decoded in memory by <see cref="ImageDecoder"/> (which bounds the pixel count), scaled
/// down to at most <see cref="MaxSide"/> pixels a side so every slider move stays interactive,
/// and kept under an id the server made.
/// </summary>
internal sealed class ColorImages(UploadStore uploads)
{
    /// <summary>Longest side kept for an upload: the size of the larger bundled photo.</summary>
    public const int MaxSide = 600;

    /// <summary>Uploads larger than this in pixels are refused before decoding (a decompression bomb).</summary>
    public const long MaxDecodedPixels = 40_000_000;

    public sealed record ImageInfo(string Id, string Name, int Width, int Height);

    readonly ConcurrentDictionary<string, RgbImage> samples = new(StringComparer.Ordinal);

    public IReadOnlyList<ImageInfo> Samples() =>
        SampleImages.Names.Select(n => { var image = Get(n); return new ImageInfo(n, n, image.Width, image.Height); }).ToList();

    /// <summary>The image for <paramref name="id"/>; a sample name or an upload id, nothing else.</summary>
    public RgbImage Get(string id)
    {
        if (SampleImages.Names.Contains(id)) return samples.GetOrAdd(id, SampleImages.Load);
        // Upload ids are "u" + the store's id (so they never clash with a sample's name); the store
        // knows them without the prefix. Before this was stripped no upload could be viewed.
        if (id.StartsWith('u') && uploads.TryGet<RgbImage>(id[1..], out var image)) return image;
        throw new CondenseException($"no image '{Truncate(id)}' (uploads are kept for the last {UploadStore.Capacity} files)");
    }

    public ImageInfo Add(byte[] encoded, string name)
    {
        var image = ImageDecoder.Decode(encoded, name, new ImageDecodeOptions { MaxPixels = MaxDecodedPixels });
        image = Shrink(image, MaxSide);
        var id = "u" + uploads.Add(image);
        return new ImageInfo(id, name, image.Width, image.Height);
    }

    static RgbImage Shrink(RgbImage image, int maxSide)
    {
        var longest = Math.Max(image.Width, image.Height);
        if (longest <= maxSide) return image;
        var scale = (double)maxSide / longest;
        var w = Math.Max(1, (int)Math.Round(image.Width * scale));
        var h = Math.Max(1, (int)Math.Round(image.Height * scale));
        return RgbResize.To(image, w, h);
    }

    static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
