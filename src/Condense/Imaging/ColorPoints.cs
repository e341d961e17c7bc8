namespace Condense.Imaging;

/// <summary>
/// The weighted points colour k-means clusters: distinct colours (or grid cells) in RGB, each
/// weighted by its pixels, as structure-of-arrays so the nearest-centre search vectorises. The
/// strategies (<see cref="KMeansPlusPlusSeeding"/>, <see cref="MedianCut"/>,
/// <see cref="HamerlyLloyd"/>, <see cref="KMedians"/>) read it and never change it.
/// </summary>
internal sealed class ColorPoints
{
    /// <summary>Points from coordinates and weights (the arrays are kept, not copied; no one writes them after).</summary>
    public ColorPoints(float[] x, float[] y, float[] z, float[] w)
    {
        if (y.Length != x.Length || z.Length != x.Length || w.Length != x.Length)
        {
            throw new ArgumentException("colour points: x, y, z and w must have one entry per point");
        }
        (X, Y, Z, W) = (x, y, z, w);
        foreach (var weight in w)
        {
            TotalWeight += weight;
        }
    }

    /// <summary>Red coordinates.</summary>
    public float[] X { get; }

    /// <summary>Green coordinates.</summary>
    public float[] Y { get; }

    /// <summary>Blue coordinates.</summary>
    public float[] Z { get; }

    /// <summary>Weights (pixels per point).</summary>
    public float[] W { get; }

    /// <summary>Σ weights, summed in point order in double.</summary>
    public double TotalWeight { get; }

    /// <summary>Number of points.</summary>
    public int Count => X.Length;

    /// <summary>Points are the distinct colours, weighted by their pixel counts.</summary>
    public static ColorPoints FromHistogram(ColorHistogram histogram)
    {
        var n = histogram.Count;
        var (x, y, z, w) = (new float[n], new float[n], new float[n], new float[n]);
        for (var i = 0; i < n; i++)
        {
            var c = histogram.Colors[i];
            x[i] = (c >> 16) & 0xFF;
            y[i] = (c >> 8) & 0xFF;
            z[i] = c & 0xFF;
            w[i] = histogram.Counts[i];
        }
        return new ColorPoints(x, y, z, w);
    }

    /// <summary>Weighted mean variance per channel, the scale of scikit-learn's tolerance.</summary>
    public double MeanVariance()
    {
        double sx = 0, sy = 0, sz = 0, qx = 0, qy = 0, qz = 0;
        for (var i = 0; i < Count; i++)
        {
            double w = W[i], x = X[i], y = Y[i], z = Z[i];
            sx += w * x; sy += w * y; sz += w * z;
            qx += w * x * x; qy += w * y * y; qz += w * z * z;
        }
        var t = TotalWeight;
        var vx = (qx / t) - ((sx / t) * (sx / t));
        var vy = (qy / t) - ((sy / t) * (sy / t));
        var vz = (qz / t) - ((sz / t) * (sz / t));
        return Math.Max(0, (vx + vy + vz) / 3);
    }

    /// <summary>Σ w · (distance to the nearest of the k centres, (r, g, b) triples)², per-point terms summed in point order.</summary>
    public double SquaredError(double[] centres, int k)
    {
        var table = CentreTable.From(centres, k);
        var terms = new double[Count];
        PointChunks.For(Count, (_, start, end) =>
        {
            for (var i = start; i < end; i++)
            {
                NearestCentres.Nearest2<Euclidean>(X[i], Y[i], Z[i], table.X, table.Y, table.Z, table.Padded, out var d, out float _);
                terms[i] = W[i] * (double)d * d;
            }
        });
        double total = 0;
        foreach (var term in terms)
        {
            total += term;
        }
        return total;
    }
}
