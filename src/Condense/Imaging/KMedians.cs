using System.Runtime.CompilerServices;

namespace Condense.Imaging;

/// <summary>What <see cref="KMedians.Refine"/> found; immutable once returned.</summary>
/// <param name="Palette">k entries, (r, g, b) triples, 0…255.</param>
/// <param name="Assignment">Each point's entry (the least Σ_c |x_c − p_c|, ties to the lower index).</param>
/// <param name="Steps">Median updates run.</param>
internal sealed record KMediansResult(int[] Palette, int[] Assignment, int Steps);

/// <summary>
/// Weighted k-medians steps from an integer palette, for the article's absolute (L1) error, with
/// Hamerly's bounds under the L1 metric (<see cref="HamerlyBounds"/>). Each step assigns every
/// point to the entry with the least Σ_c |x_c − p_c| and moves each entry to its points'
/// per-channel weighted median, the L1 optimum for a fixed assignment; so the mean error never rises.
/// Points must sit on integer coordinates (distinct colours, not grid means): medians are kept
/// as per-entry 256-bin histograms.
/// </summary>
internal static class KMedians
{
    /// <summary>
    /// At most <paramref name="maxSteps"/> median updates (0: only assigns) from
    /// <paramref name="palette"/> (k (r, g, b) triples, 0…255; not modified), stopping early when
    /// no entry moves or no point changes entry. <paramref name="hint"/>: an earlier assignment to start the search from.
    /// </summary>
    public static KMediansResult Refine(ColorPoints points, int[] palette, int k, int maxSteps, int[]? hint = null)
    {
        palette = (int[])palette.Clone();
        var centres = new double[k * 3];
        for (var c = 0; c < k * 3; c++)
        {
            centres[c] = palette[c];
        }
        var table = CentreTable.From(centres, k);
        var bounds = HamerlyBounds.Assign<Manhattan>(points, table, hint);
        var assign = bounds.Assignment;
        var histogram = new long[k * 3 * 256];
        for (var i = 0; i < points.Count; i++)
        {
            Tally(points, histogram, assign[i], i, 1);
        }

        var move = new float[k];
        var dropFor = new float[k];
        var steps = 0;
        for (var step = 0; step < maxSteps; step++)
        {
            steps++;
            MoveToMedians(histogram, palette, centres, k, move);
            if (HamerlyBounds.LowerBoundDrops(move, dropFor) == 0)
            {
                break;
            }
            table.Load(centres);
            var changed = bounds.Reassign<Manhattan>(table, move, dropFor);
            for (var j = 0; j < changed; j++)
            {
                Tally(points, histogram, bounds.From[j], bounds.Moved[j], -1);
                Tally(points, histogram, assign[bounds.Moved[j]], bounds.Moved[j], 1);
            }
            if (changed == 0)
            {
                break;
            }
        }
        return new KMediansResult(palette, (int[])assign.Clone(), steps);
    }

    /// <summary>Each non-empty entry to its per-channel weighted medians; its L1 move to <paramref name="move"/>.</summary>
    static void MoveToMedians(long[] histogram, int[] palette, double[] centres, int k, float[] move)
    {
        for (var c = 0; c < k; c++)
        {
            var m = 0f;
            var total = 0L;
            for (var v = 0; v < 256; v++)
            {
                total += histogram[(c * 768) + v];
            }
            if (total > 0)
            {
                for (var ch = 0; ch < 3; ch++)
                {
                    var median = WeightedMedian(histogram.AsSpan((c * 768) + (ch * 256), 256), total);
                    m += Math.Abs(median - palette[(c * 3) + ch]);
                    palette[(c * 3) + ch] = median;
                    centres[(c * 3) + ch] = median;
                }
            }
            move[c] = m;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Tally(ColorPoints points, long[] histogram, int c, int i, int sign)
    {
        long w = sign * (long)points.W[i];
        histogram[(c * 768) + (int)points.X[i]] += w;
        histogram[(c * 768) + 256 + (int)points.Y[i]] += w;
        histogram[(c * 768) + 512 + (int)points.Z[i]] += w;
    }

    /// <summary>The lowest value at which the cumulative weight reaches half the total.</summary>
    internal static int WeightedMedian(ReadOnlySpan<long> counts, long total)
    {
        long run = 0;
        for (var v = 0; v < counts.Length; v++)
        {
            run += counts[v];
            if (2 * run >= total)
            {
                return v;
            }
        }
        return counts.Length - 1;
    }
}
