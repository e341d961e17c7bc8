using Condense.Imaging;
using SkiaSharp;

namespace Condense.Tests.Calibration;

/// <summary>Writes small PNGs for data-folder tests.</summary>
internal static class PhotoFiles
{
    public static byte[] Png(RgbImage image)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                var p = image[x, y];
                bitmap.SetPixel(x, y, new SKColor(p.R, p.G, p.B));
            }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A uniform photo: every crop of it has the same values, so a sample tells which photo it came from.</summary>
    public static byte[] Uniform(int width, int height, byte r, byte g, byte b)
    {
        var pixels = new byte[width * height * 3];
        for (int i = 0; i < pixels.Length; i += 3) { pixels[i] = r; pixels[i + 1] = g; pixels[i + 2] = b; }
        return Png(new RgbImage(width, height, pixels));
    }
}
