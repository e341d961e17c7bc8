namespace Condense.Imaging;

/// <summary>
/// The two CC0 photographs bundled with Condense (from scikit-image's sample data; credit in
/// Imaging/Samples/README.md), so demos, the Studio and benchmarks need no download:
/// "chelsea" (Chelsea the cat, 451×300, Stefan van der Walt) and "coffee" (a coffee cup,
/// 600×400, Rachel Michetti, courtesy of Pikolo Espresso Bar).
/// </summary>
public static class SampleImages
{
    /// <summary>The bundled photos' names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["chelsea", "coffee"];

    /// <summary>The PNG bytes of a bundled photo.</summary>
    public static byte[] LoadPng(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Names.Contains(name))
        {
            throw new CondenseException($"no sample image '{name}'; there are: {string.Join(", ", Names)}");
        }
        using var stream = typeof(SampleImages).Assembly.GetManifestResourceStream($"Condense.Imaging.Samples.{name}.png")
            ?? throw new CondenseException($"sample image '{name}' is missing from the assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>A bundled photo, decoded.</summary>
    public static RgbImage Load(string name) => ImageDecoder.Decode(LoadPng(name), $"sample:{name}");

    /// <summary>
    /// A bundled photo as a 512×512 square, the size of the issue's benchmark: scaled (Mitchell
    /// cubic, with SkiaSharp) so that its shorter side is 512, then the centre 512×512 cropped.
    /// Neither photo is 512 on a side, so this is how Condense benchmarks "a 512×512 photo".
    /// </summary>
    public static RgbImage Load512(string name) => Square(Load(name), 512);

    /// <summary>Scales <paramref name="image"/> so its shorter side is <paramref name="side"/> and crops the centre square.</summary>
    public static RgbImage Square(RgbImage image, int side)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (side < 1)
        {
            throw new CondenseException($"side must be positive, got {side}");
        }
        var scale = (double)side / Math.Min(image.Width, image.Height);
        var w = Math.Max(side, (int)Math.Round(image.Width * scale));
        var h = Math.Max(side, (int)Math.Round(image.Height * scale));
        var scaled = RgbResize.To(image, w, h).Pixels;
        var rgb = new byte[side * side * 3];
        var (x0, y0) = ((w - side) / 2, (h - side) / 2);
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                var s = (((y + y0) * w) + x + x0) * 3;
                var d = ((y * side) + x) * 3;
                rgb[d] = scaled[s];
                rgb[d + 1] = scaled[s + 1];
                rgb[d + 2] = scaled[s + 2];
            }
        }
        return new RgbImage(side, side, rgb);
    }
}
