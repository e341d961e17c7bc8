namespace Condense.Quantization;

/// <summary>Starting centroids for Lloyd (<see cref="CentroidInit"/>): equally spaced, by density (quantiles), or k-means++ (seeded).</summary>
internal static class KMeansInitialisers
{
    internal static double[] Linear(SortedPoints p, int k)
    {
        var c = new double[k];
        double min = p.X[0], max = p.X[^1];
        for (int j = 0; j < k; j++) c[j] = k == 1 ? 0.5 * (min + max) : min + (max - min) * j / (k - 1);
        return c;
    }

    internal static double[] Density(SortedPoints p, int k)
    {
        var c = new double[k];
        double total = p.TotalWeight;
        for (int j = 0; j < k; j++)
        {
            double target = total * (j + 0.5) / k;
            int lo = 0, hi = p.Count - 1;
            while (lo < hi) { int mid = (lo + hi) >> 1; if (p.W[mid + 1] < target) lo = mid + 1; else hi = mid; }
            c[j] = p.X[lo];
        }
        return c;
    }

    internal static double[] PlusPlus(SortedPoints p, int k, int seed)
    {
        var rng = new Random(seed);
        int n = p.Count;
        var w = new double[n];
        for (int i = 0; i < n; i++) w[i] = p.W[i + 1] - p.W[i];
        var d2 = new double[n];
        var centers = new List<double>(k);
        int first = Sample(w, p.TotalWeight, rng);
        centers.Add(p.X[first]);
        double sum = 0;
        for (int i = 0; i < n; i++) { double d = p.X[i] - p.X[first]; d2[i] = w[i] * d * d; sum += d2[i]; }
        while (centers.Count < k && sum > 0)
        {
            int next = Sample(d2, sum, rng);
            double c = p.X[next];
            centers.Add(c);
            // Only the new centre's Voronoi cell changes, and in 1-D it is an interval around it.
            for (int i = next; i < n; i++)
            {
                double d = p.X[i] - c, v = w[i] * d * d;
                if (v >= d2[i]) break;
                sum -= d2[i] - v; d2[i] = v;
            }
            for (int i = next - 1; i >= 0; i--)
            {
                double d = p.X[i] - c, v = w[i] * d * d;
                if (v >= d2[i]) break;
                sum -= d2[i] - v; d2[i] = v;
            }
            if (sum < 0) sum = 0;
        }
        centers.Sort();
        return centers.ToArray();
    }

    internal static int Sample(double[] weights, double total, Random rng)
    {
        double r = rng.NextDouble() * total, acc = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            acc += weights[i];
            if (acc > r && weights[i] > 0) return i;
        }
        for (int i = weights.Length - 1; i >= 0; i--) if (weights[i] > 0) return i;
        return 0;
    }
}
