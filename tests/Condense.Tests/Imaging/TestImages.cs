using Condense.Imaging;

namespace Condense.Tests.Imaging;

internal static class TestImages
{
    /// <summary>A seeded noise image whose colours come from <paramref name="distinct"/> random colours (or any colour when null).</summary>
    public static RgbImage Random(int width, int height, int seed, int? distinct = null)
    {
        var rng = new Random(seed);
        var palette = distinct is { } d ? Enumerable.Range(0, d).Select(_ => new[] { (byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256) }).ToArray() : null;
        var pixels = new byte[width * height * 3];
        for (var i = 0; i < width * height; i++)
        {
            if (palette is not null)
            {
                // Every palette colour appears at least once.
                var c = palette[i < palette.Length ? i : rng.Next(palette.Length)];
                pixels[i * 3] = c[0]; pixels[(i * 3) + 1] = c[1]; pixels[(i * 3) + 2] = c[2];
            }
            else
            {
                pixels[i * 3] = (byte)rng.Next(256); pixels[(i * 3) + 1] = (byte)rng.Next(256); pixels[(i * 3) + 2] = (byte)rng.Next(256);
            }
        }
        return new RgbImage(width, height, pixels);
    }

    /// <summary>Σ_i Σ_c |W − Q| computed directly from two images.</summary>
    public static long TotalAbsoluteError(RgbImage a, RgbImage b)
    {
        long total = 0;
        for (var i = 0; i < a.Pixels.Length; i++)
        {
            total += Math.Abs(a.Pixels[i] - b.Pixels[i]);
        }
        return total;
    }
}
