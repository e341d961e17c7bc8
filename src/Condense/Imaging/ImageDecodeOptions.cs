namespace Condense.Imaging;

/// <summary>
/// Limits that a decoder checks from an image's header before allocating pixels. The limit is
/// checked when it is set, so a decoder never meets an impossible one.
/// </summary>
public sealed record ImageDecodeOptions
{
    /// <summary>Default pixel budget: 50 megapixels (150 MB of RGB plus the decoder's RGBA buffer).</summary>
    public const long DefaultMaxPixels = 50_000_000;

    /// <summary>
    /// Largest width × height accepted, 1 … 2³¹ − 1 (default 50 000 000). A header that claims
    /// more is refused before any pixel memory is allocated, so a 100-byte file cannot ask for
    /// 40 GB.
    /// </summary>
    public long MaxPixels
    {
        get;
        init => field = value is >= 1 and <= int.MaxValue ? value : throw new CondenseException($"pixel limit must be 1–{int.MaxValue}, got {value}");
    } = DefaultMaxPixels;

    /// <summary>The defaults (at most 50,000,000 pixels).</summary>
    public static ImageDecodeOptions Default { get; } = new();
}
