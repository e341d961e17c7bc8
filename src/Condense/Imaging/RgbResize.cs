using SkiaSharp;

namespace Condense.Imaging;

/// <summary>
/// One resampler for every photo Condense scales (the sample squares, the Studio's uploads): Skia's
/// Mitchell cubic on an opaque RGBA copy, so the same photo scaled in two places gives the same pixels.
/// </summary>
internal static class RgbResize
{
    /// <summary><paramref name="image"/> resampled to <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static RgbImage To(RgbImage image, int width, int height)
    {
        var rgba = new byte[image.PixelCount * 4];
        for (int i = 0, j = 0; i < image.Pixels.Length; i += 3, j += 4)
        {
            rgba[j] = image.Pixels[i];
            rgba[j + 1] = image.Pixels[i + 1];
            rgba[j + 2] = image.Pixels[i + 2];
            rgba[j + 3] = 255;
        }
        var scaled = new byte[width * height * 4];
        unsafe
        {
            fixed (byte* src = rgba)
            fixed (byte* dst = scaled)
            {
                using var from = new SKPixmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul), (nint)src);
                using var to = new SKPixmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), (nint)dst);
                if (!from.ScalePixels(to, new SKSamplingOptions(SKCubicResampler.Mitchell)))
                    throw new CondenseException($"could not scale a {image.Width}×{image.Height} image to {width}×{height}");
            }
        }
        var rgb = new byte[width * height * 3];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgb[i] = scaled[j];
            rgb[i + 1] = scaled[j + 1];
            rgb[i + 2] = scaled[j + 2];
        }
        return new RgbImage(width, height, rgb);
    }
}
