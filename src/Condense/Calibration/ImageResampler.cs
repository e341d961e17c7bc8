using Condense.Imaging;

namespace Condense.Calibration;

/// <summary>
/// Resamples a region of a photo to a given size with a separable triangle (bilinear) filter
/// whose support widens with the reduction, as Pillow's antialiased resize does: shrinking a photo
/// averages every pixel it covers instead of skipping most of them (aliasing), enlarging it
/// interpolates bilinearly. Only pixels inside the photo contribute (weights renormalised).
/// </summary>
public static class ImageResampler
{
    /// <summary>
    /// The <paramref name="region"/> of <paramref name="image"/> as <paramref name="height"/> ×
    /// <paramref name="width"/> × 3 floats (row-major, RGB, 0..255).
    /// </summary>
    public static float[] Resample(RgbImage image, CropRegion region, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width));
        var (xIndex, xWeight, xTaps) = Weights(region.X, region.Width, width, image.Width);
        var (yIndex, yWeight, yTaps) = Weights(region.Y, region.Height, height, image.Height);
        var pixels = image.Pixels;
        // Horizontal pass over only the rows the vertical pass reads.
        int rowLo = yIndex.Min(), rowHi = yIndex.Max() + yTaps;
        rowHi = Math.Min(rowHi, image.Height);
        var rows = new float[(rowHi - rowLo) * width * 3];
        for (int y = rowLo; y < rowHi; y++)
        {
            long rowStart = (long)y * image.Width * 3;
            for (int ox = 0; ox < width; ox++)
            {
                var sx = region.Flip ? width - 1 - ox : ox;
                float r = 0, g = 0, b = 0;
                for (int t = 0; t < xTaps; t++)
                {
                    var w = xWeight[sx * xTaps + t];
                    if (w == 0) continue;
                    var p = rowStart + (xIndex[sx] + t) * 3;
                    r += w * pixels[p];
                    g += w * pixels[p + 1];
                    b += w * pixels[p + 2];
                }
                var o = ((y - rowLo) * width + ox) * 3;
                rows[o] = r;
                rows[o + 1] = g;
                rows[o + 2] = b;
            }
        }
        var result = new float[height * width * 3];
        for (int oy = 0; oy < height; oy++)
        {
            for (int t = 0; t < yTaps; t++)
            {
                var w = yWeight[oy * yTaps + t];
                if (w == 0) continue;
                var src = (yIndex[oy] + t - rowLo) * width * 3;
                var dst = oy * width * 3;
                for (int i = 0; i < width * 3; i++) result[dst + i] += w * rows[src + i];
            }
        }
        return result;
    }

    /// <summary>For each output pixel, the first source pixel and normalised triangle weights over a fixed number of taps.</summary>
    static (int[] First, float[] Weight, int Taps) Weights(double start, double length, int outSize, int inSize)
    {
        var scale = length / outSize;                 // source pixels per output pixel
        var support = Math.Max(scale, 1.0);           // the triangle's half-width in source pixels
        var taps = (int)Math.Ceiling(support) * 2 + 2;
        var first = new int[outSize];
        var weight = new float[outSize * taps];
        for (int o = 0; o < outSize; o++)
        {
            var centre = start + (o + 0.5) * scale;
            var lo = Math.Clamp((int)Math.Floor(centre - support), 0, Math.Max(inSize - taps, 0));
            first[o] = lo;
            double sum = 0;
            for (int t = 0; t < taps && lo + t < inSize; t++)
            {
                var w = Math.Max(0, 1 - Math.Abs(lo + t + 0.5 - centre) / support);
                weight[o * taps + t] = (float)w;
                sum += w;
            }
            if (sum <= 0)
            {
                // The region lies outside the photo (cannot happen for crops inside it): take the nearest pixel.
                first[o] = Math.Clamp((int)centre, 0, inSize - 1);
                Array.Clear(weight, o * taps, taps);
                weight[o * taps] = 1;
                continue;
            }
            for (int t = 0; t < taps; t++) weight[o * taps + t] = (float)(weight[o * taps + t] / sum);
        }
        return (first, weight, taps);
    }
}
