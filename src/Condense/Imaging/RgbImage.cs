namespace Condense.Imaging;

/// <summary>
/// An 8-bit RGB image held as interleaved bytes (R, G, B per pixel, rows top to bottom). Alpha is
/// not kept: colour quantization here is about the colours a viewer sees, and the article's error
/// is over three channels.
/// </summary>
public sealed class RgbImage
{
    /// <summary>Wraps <paramref name="pixels"/> (not copied); its length must be width × height × 3.</summary>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0 || height <= 0)
        {
            throw new CondenseException($"image size must be positive, got {width}×{height}");
        }
        if ((long)width * height * 3 != pixels.LongLength)
        {
            throw new CondenseException(
                $"an RGB image of {width}×{height} needs {(long)width * height * 3} bytes, got {pixels.LongLength}");
        }
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Number of pixels, width × height.</summary>
    public int PixelCount => Width * Height;

    /// <summary>Interleaved RGB bytes, row-major, 3 × <see cref="PixelCount"/> of them.</summary>
    public byte[] Pixels { get; }

    /// <summary>The colour of pixel (x, y).</summary>
    public Rgb24 this[int x, int y]
    {
        get
        {
            var i = ((y * Width) + x) * 3;
            return new Rgb24(Pixels[i], Pixels[i + 1], Pixels[i + 2]);
        }
    }

    /// <summary>A copy of the rectangle (x, y, width, height), which must lie inside the image.</summary>
    public RgbImage Crop(int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > Width || y + height > Height)
        {
            throw new CondenseException(
                $"crop ({x}, {y}, {width}×{height}) does not lie inside the {Width}×{Height} image");
        }
        var pixels = new byte[width * height * 3];
        for (var row = 0; row < height; row++)
        {
            Array.Copy(Pixels, (((y + row) * Width) + x) * 3, pixels, row * width * 3, width * 3);
        }
        return new RgbImage(width, height, pixels);
    }
}
