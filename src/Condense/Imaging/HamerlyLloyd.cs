using System.Runtime.CompilerServices;

namespace Condense.Imaging;

/// <summary>
/// Weighted Lloyd iterations in RGB with Hamerly's bounds (<see cref="HamerlyBounds"/>): the
/// centres move to their points' weighted means; a point is measured only when its bounds say it
/// might have changed centre. Per-centre sums are kept and updated only for the points that moved.
/// </summary>
internal static class HamerlyLloyd
{
    /// <summary>
    /// Lloyd's iterations from <paramref name="start"/> (k (r, g, b) triples; not modified) until
    /// the centres' total squared shift is at most <see cref="ColorQuantizerOptions.Tolerance"/> ×
    /// the points' mean variance, no point changes centre, or <see cref="ColorQuantizerOptions.MaxIterations"/>.
    /// An empty centre stays where it is. <paramref name="hint"/>: an earlier assignment to start the search from.
    /// </summary>
    public static ColorKMeansResult Run(ColorPoints points, double[] start, int k, ColorQuantizerOptions options, int[]? hint = null)
    {
        var centres = (double[])start.Clone();
        var table = CentreTable.From(centres, k);
        var bounds = HamerlyBounds.Assign<Euclidean>(points, table, hint);
        var assign = bounds.Assignment;
        var sums = new double[k * 4];
        for (var i = 0; i < points.Count; i++)
        {
            Accumulate(points, sums, assign[i], i, 1);
        }

        var tolerance = options.Tolerance * points.MeanVariance();
        var move = new float[k];
        var dropFor = new float[k];
        var iteration = 0;
        while (true)
        {
            iteration++;
            var shift = MoveToMeans(centres, sums, k, move);
            HamerlyBounds.LowerBoundDrops(move, dropFor);
            table.Load(centres);
            if (iteration >= options.MaxIterations || shift <= tolerance)
            {
                break;
            }
            var changed = bounds.Reassign<Euclidean>(table, move, dropFor);
            for (var j = 0; j < changed; j++)
            {
                Accumulate(points, sums, bounds.From[j], bounds.Moved[j], -1);
                Accumulate(points, sums, assign[bounds.Moved[j]], bounds.Moved[j], 1);
            }
            if (changed == 0)
            {
                break;
            }
        }
        return new ColorKMeansResult(centres, (int[])assign.Clone(), iteration);
    }

    /// <summary>Centres to their sums' means (an empty centre stays); each centre's move to <paramref name="move"/>; returns Σ squared moves.</summary>
    internal static double MoveToMeans(double[] centres, double[] sums, int k, float[] move)
    {
        double shift = 0;
        for (var c = 0; c < k; c++)
        {
            var w = sums[(c * 4) + 3];
            var m = 0f;
            if (w > 0)
            {
                var nx = sums[c * 4] / w;
                var ny = sums[(c * 4) + 1] / w;
                var nz = sums[(c * 4) + 2] / w;
                double dx = nx - centres[c * 3], dy = ny - centres[(c * 3) + 1], dz = nz - centres[(c * 3) + 2];
                var s2 = (dx * dx) + (dy * dy) + (dz * dz);
                shift += s2;
                m = (float)Math.Sqrt(s2);
                centres[c * 3] = nx;
                centres[(c * 3) + 1] = ny;
                centres[(c * 3) + 2] = nz;
            }
            move[c] = m;
        }
        return shift;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Accumulate(ColorPoints points, double[] sums, int c, int i, int sign)
    {
        double w = sign * points.W[i];
        sums[c * 4] += w * points.X[i];
        sums[(c * 4) + 1] += w * points.Y[i];
        sums[(c * 4) + 2] += w * points.Z[i];
        sums[(c * 4) + 3] += w;
    }
}
