namespace Condense.Imaging;

/// <summary>
/// Shows where quantization costs: each pixel's error E_i = Σ_c |W − Q| as a colour from white
/// (no error) to deep red (#8b0000, the largest error on the scale), as in the article's figure.
/// </summary>
public static class ErrorMap
{
    /// <summary>The colour at the far end of the scale.</summary>
    public static Rgb24 DeepRed { get; } = new(139, 0, 0);

    /// <summary>Levels of the ramp; the PNG is an 8-bit indexed image with this many entries.</summary>
    public const int Levels = 256;

    /// <summary>
    /// The error that maps to deep red: <paramref name="scale"/> when given (1…765), else the
    /// image's largest error (so the worst pixel is always deep red), at least 1.
    /// </summary>
    public static int ScaleFor(QuantizedImage image, int? scale = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (scale is { } s && s is < 1 or > 765)
        {
            throw new CondenseException($"error-map scale must be between 1 and 765, got {s}");
        }
        return scale ?? Math.Max(1, image.MaxError);
    }

    /// <summary>The ramp's colour at level 0…255: white to deep red, linear in each channel.</summary>
    public static Rgb24 Ramp(int level)
    {
        var t = Math.Clamp(level, 0, Levels - 1) / (double)(Levels - 1);
        byte Lerp(byte to) => (byte)Math.Round(255 + ((to - 255) * t), MidpointRounding.AwayFromZero);
        return new Rgb24(Lerp(DeepRed.R), Lerp(DeepRed.G), Lerp(DeepRed.B));
    }

    /// <summary>Ramp level of an error on a scale: round(255 × min(e, scale) / scale).</summary>
    public static int Level(int error, int scale) =>
        (int)(((long)Math.Min(error, scale) * (Levels - 1) * 2 + scale) / (2L * scale));

    /// <summary>The error map as palette indices into <see cref="Ramp"/>.</summary>
    public static byte[] Levels8(QuantizedImage image, int? scale = null)
    {
        var s = ScaleFor(image, scale);
        var errors = image.Errors;
        var levels = new byte[errors.Length];
        for (var i = 0; i < errors.Length; i++)
        {
            levels[i] = (byte)Level(errors[i], s);
        }
        return levels;
    }

    /// <summary>The error map as an RGB image.</summary>
    public static RgbImage Render(QuantizedImage image, int? scale = null)
    {
        var levels = Levels8(image, scale);
        var pixels = new byte[levels.Length * 3];
        for (var i = 0; i < levels.Length; i++)
        {
            var c = Ramp(levels[i]);
            pixels[i * 3] = c.R;
            pixels[(i * 3) + 1] = c.G;
            pixels[(i * 3) + 2] = c.B;
        }
        return new RgbImage(image.Width, image.Height, pixels);
    }

    /// <summary>The error map's PNG bytes (8-bit indexed, the 256-level ramp as palette).</summary>
    public static byte[] EncodePng(QuantizedImage image, int? scale = null)
    {
        var ramp = new Rgb24[Levels];
        for (var l = 0; l < Levels; l++)
        {
            ramp[l] = Ramp(l);
        }
        return IndexedPngWriter.Encode(image.Width, image.Height, ramp, Levels8(image, scale));
    }

    /// <summary>Writes the error map to <paramref name="path"/> atomically; returns the bytes written.</summary>
    public static long WritePng(string path, QuantizedImage image, int? scale = null)
    {
        var bytes = EncodePng(image, scale);
        Formats.AtomicFile.WriteAllBytes(path, bytes);
        return bytes.LongLength;
    }
}
