using Condense.Imaging;
using SkiaSharp;

namespace Condense.Cli.Imaging;

/// <summary>
/// The images <c>condense bench image</c> runs on, each as a PNG file (the peers read files) and
/// its pixels: scikit-image's astronaut when installed, the bundled photos whole or scaled and
/// centre-cropped to 512×512, or any PNG path.
/// </summary>
public static class BenchImages
{
    /// <summary>scikit-image's 512×512 astronaut photo (NASA, public domain), the peer script's default image.</summary>
    public const string AstronautPath = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png";

    /// <summary>A PNG file for the image (the peers read files) and its pixels.</summary>
    public static (string? Path, RgbImage Image) Prepare(string name, string work)
    {
        switch (name)
        {
            case "astronaut":
                return File.Exists(AstronautPath) ? (AstronautPath, ImageDecoder.Decode(AstronautPath)) : (null, null!);
            case "chelsea" or "coffee":
            {
                var path = Path.Combine(work, name + ".png");
                File.WriteAllBytes(path, SampleImages.LoadPng(name));
                return (path, SampleImages.Load(name));
            }
            case "chelsea-512" or "coffee-512":
            {
                var image = SampleImages.Load512(name[..^4]);
                var path = Path.Combine(work, name + ".png");
                File.WriteAllBytes(path, EncodeRgbPng(image));
                return (path, image);
            }
            default:
                return (name, ImageDecoder.Decode(name));
        }
    }

    static byte[] EncodeRgbPng(RgbImage image)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[image.PixelCount * 4];
        for (int i = 0, j = 0; i < image.Pixels.Length; i += 3, j += 4)
        {
            (rgba[j], rgba[j + 1], rgba[j + 2], rgba[j + 3]) = (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2], 255);
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

}
