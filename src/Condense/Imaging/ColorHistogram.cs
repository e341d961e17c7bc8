namespace Condense.Imaging;

/// <summary>
/// The distinct colours of an image with their pixel counts, and for each pixel the index of its
/// colour. Photos have far fewer distinct colours than pixels (a 512×512 photo: roughly a third to
/// a half), and k-means on the weighted histogram is the same problem as k-means on the pixels.
/// </summary>
internal sealed class ColorHistogram
{
    ColorHistogram(int[] colors, int[] counts, int[] pixelColor)
    {
        Colors = colors;
        Counts = counts;
        PixelColor = pixelColor;
    }

    /// <summary>Distinct colours packed as 0xRRGGBB, in order of first appearance.</summary>
    public int[] Colors { get; }

    /// <summary>Pixels of each distinct colour.</summary>
    public int[] Counts { get; }

    /// <summary>For each pixel, its index in <see cref="Colors"/>.</summary>
    public int[] PixelColor { get; }

    public int Count => Colors.Length;

    /// <summary>
    /// Builds the histogram with an open-addressing hash table (linear probing, load ≤ ½), which
    /// is deterministic: colours are numbered in order of first appearance.
    /// </summary>
    public static ColorHistogram Build(RgbImage image)
    {
        var n = image.PixelCount;
        var px = image.Pixels;
        // Load at most ½; never more than 2^25 slots, since there are only 2^24 colours.
        var capacity = (int)Math.Min(1L << 25, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, n) * 2));
        var mask = capacity - 1;
        var keys = new int[capacity];
        var slots = new int[capacity];
        var tally = new int[capacity];
        Array.Fill(keys, -1);
        var pixelColor = new int[n];
        var distinct = 0;
        for (int i = 0, j = 0; i < n; i++, j += 3)
        {
            var key = (px[j] << 16) | (px[j + 1] << 8) | px[j + 2];
            var h = (int)(((uint)key * 2654435761u) >> 5) & mask;
            while (keys[h] != key)
            {
                if (keys[h] == -1)
                {
                    keys[h] = key;
                    slots[h] = distinct++;
                    break;
                }
                h = (h + 1) & mask;
            }
            tally[h]++;
            pixelColor[i] = slots[h];
        }
        var colors = new int[distinct];
        var counts = new int[distinct];
        for (var h = 0; h < capacity; h++)
        {
            if (keys[h] != -1)
            {
                colors[slots[h]] = keys[h];
                counts[slots[h]] = tally[h];
            }
        }
        return new ColorHistogram(colors, counts, pixelColor);
    }
}
