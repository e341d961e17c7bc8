using System.Numerics;

namespace Condense.Imaging;

/// <summary>
/// The colours folded onto a 2^bits-per-channel grid: each occupied cell one point at the exact
/// mean of its colours, weighted by their pixels. K-means on these is a close, much smaller
/// stand-in for the full problem (a 512×512 photo's ~10⁵ distinct colours fall into 10–40
/// thousand 6- or 7-bit cells), used to find a start from which Lloyd on the full histogram
/// needs only a few iterations.
/// </summary>
/// <param name="Points">One point per occupied cell, in cell order.</param>
/// <param name="PointOfColor">For each colour of the histogram, the index of its cell's point.</param>
internal sealed record ColorGrid(ColorPoints Points, int[] PointOfColor)
{
    /// <summary>Folds <paramref name="histogram"/> onto the grid of <paramref name="bits"/> (1–8) bits per channel.</summary>
    public static ColorGrid Of(ColorHistogram histogram, int bits)
    {
        var shift = 8 - bits;
        var count = histogram.Count;
        // Occupied cells as a bitset (256 KiB at 7 bits, where dense per-cell sums would take
        // 64 MiB); a cell's point is its rank among the occupied cells, so points stay in cell order.
        var cellOfColor = new int[count];
        var occupied = new ulong[((1 << (3 * bits)) + 63) / 64];
        for (var i = 0; i < count; i++)
        {
            var c = histogram.Colors[i];
            var cell = ((((c >> 16) & 0xFF) >> shift) << (2 * bits)) | ((((c >> 8) & 0xFF) >> shift) << bits) | ((c & 0xFF) >> shift);
            cellOfColor[i] = cell;
            occupied[cell >> 6] |= 1UL << (cell & 63);
        }
        var rankBefore = new int[occupied.Length];
        var used = 0;
        for (var word = 0; word < occupied.Length; word++)
        {
            rankBefore[word] = used;
            used += BitOperations.PopCount(occupied[word]);
        }
        var pointOfColor = new int[count];
        var sums = new double[used * 4];
        for (var i = 0; i < count; i++)
        {
            var cell = cellOfColor[i];
            var p = rankBefore[cell >> 6] + BitOperations.PopCount(occupied[cell >> 6] & ((1UL << (cell & 63)) - 1));
            pointOfColor[i] = p;
            var c = histogram.Colors[i];
            double w = histogram.Counts[i];
            sums[p * 4] += w * ((c >> 16) & 0xFF);
            sums[(p * 4) + 1] += w * ((c >> 8) & 0xFF);
            sums[(p * 4) + 2] += w * (c & 0xFF);
            sums[(p * 4) + 3] += w;
        }
        var (x, y, z, wt) = (new float[used], new float[used], new float[used], new float[used]);
        for (var j = 0; j < used; j++)
        {
            var w = sums[(j * 4) + 3];
            x[j] = (float)(sums[j * 4] / w);
            y[j] = (float)(sums[(j * 4) + 1] / w);
            z[j] = (float)(sums[(j * 4) + 2] / w);
            wt[j] = (float)w;
        }
        return new ColorGrid(new ColorPoints(x, y, z, wt), pointOfColor);
    }
}
