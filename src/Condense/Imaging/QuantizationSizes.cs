namespace Condense.Imaging;

/// <summary>
/// What the quantized image costs in bytes, three ways: the raw RGB it replaces, the ideal
/// packed form (palette + ⌈log₂ k⌉-bit indices, no container), and the real file.
/// </summary>
/// <param name="RawRgbBytes">width × height × 3: the image before quantization.</param>
/// <param name="PaletteBytes">3 bytes per palette entry.</param>
/// <param name="BitsPerIndex">⌈log₂ k⌉ for the k entries used (0 when k = 1: every pixel is entry 0).</param>
/// <param name="IndexBytes">⌈width × height × bits / 8⌉.</param>
/// <param name="FileBytes">Bytes of the written file (PNG), or null before one is written.</param>
public sealed record QuantizationSizes(long RawRgbBytes, long PaletteBytes, int BitsPerIndex, long IndexBytes, long? FileBytes)
{
    /// <summary>Palette plus packed indices: the weight-sharing form's size.</summary>
    public long PackedBytes => PaletteBytes + IndexBytes;

    /// <summary>Raw RGB ÷ the packed form: how many times smaller (not a "ratio", which is compressed ÷ original; docs/cli.md).</summary>
    public double PackedTimesSmaller => (double)RawRgbBytes / Math.Max(1, PackedBytes);

    /// <summary>Raw RGB ÷ the file's bytes (how many times smaller), or null before a file is written.</summary>
    public double? FileTimesSmaller => FileBytes is { } f ? (double)RawRgbBytes / Math.Max(1, f) : null;

    internal static QuantizationSizes For(int width, int height, int colors)
    {
        var pixels = (long)width * height;
        var bits = colors <= 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(colors - 1));
        return new QuantizationSizes(pixels * 3, colors * 3L, bits, ((pixels * bits) + 7) / 8, null);
    }
}
