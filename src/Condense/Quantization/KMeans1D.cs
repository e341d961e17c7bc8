namespace Condense.Quantization;

/// <summary>
/// One-dimensional k-means: the codebook of weight sharing (Han et al., Deep Compression, 2016 §3).
/// </summary>
/// <remarks>
/// <para>In one dimension the optimal clusters are contiguous runs of the sorted values, so with
/// prefix sums of w, w·x and w·x² the cost of any run is O(1) and the optimum follows from a
/// dynamic programme over (clusters, prefix): D[m][i] = min_j D[m−1][j−1] + cost(j, i)
/// (Wang &amp; Song 2011, "Ckmeans.1d.dp", R Journal 3(2)). The best j is monotone in i (the cost
/// is Monge), so each layer is solved by divide and conquer in O(n·log n): O(k·n·log n) in all.
/// That layered DP is kept for k ≤ 4 and as the fallback; the exact path otherwise drops the
/// layers: <see cref="KMeansLagrangian"/> prices each cluster at λ and searches λ until the
/// penalised optimum has exactly k clusters (a few near-linear solves, O(n) memory).</para>
/// <para>The fast path (<see cref="CentroidInit.Auto"/> on large inputs) runs that DP on a
/// weighted histogram of B ≪ n bins whose costs are still exact (sampled from the same prefix
/// sums), then polishes the result with Lloyd on all points. On sorted data a Lloyd iteration is
/// O(k·log n): the boundaries are the midpoints between centroids, found by binary search, and
/// each new centroid is a ratio of prefix sums. Sorting dominates the time.</para>
/// <para>Weighted points are first-class: a histogram (bin centre, count) stands in for millions
/// of weights, and equal values are merged before any work.</para>
/// <para>The pieces: <see cref="KMeansInitialisers"/> (starting centroids), <see cref="KMeansExact"/>
/// (the optimal solvers and the fast path's histogram), <see cref="KMeansLloyd"/> (the polishing
/// solver and the exact SSE of any result); this class only picks among them.</para>
/// </remarks>
public static class KMeans1D
{
    /// <summary>k-means of unweighted values (NaN/Inf rejected).</summary>
    public static KMeansResult Fit(ReadOnlySpan<float> values, KMeansOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Run(SortedPoints.FromValues(values, "k-means"), options);
    }

    /// <summary>
    /// Weighted k-means: point i has value <paramref name="values"/>[i] and weight
    /// <paramref name="weights"/>[i] ≥ 0 (a count, for a histogram). Equivalent to repeating each
    /// value weight times; zero-weight points are ignored.
    /// </summary>
    public static KMeansResult Fit(ReadOnlySpan<double> values, ReadOnlySpan<double> weights, KMeansOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Run(SortedPoints.FromWeighted(values, weights, "k-means"), options);
    }

    /// <summary>Σ (x − nearest centroid)² for ascending <paramref name="centroids"/>, in double.</summary>
    public static double Sse(ReadOnlySpan<float> values, ReadOnlySpan<double> centroids)
    {
        double sse = 0;
        foreach (var v in values)
        {
            double d = v - centroids[Nearest(centroids, v)];
            sse += d * d;
        }
        return sse;
    }

    /// <summary>Writes the index of each value's nearest centroid (ascending centroids; ties to the lower).</summary>
    public static void Assign(ReadOnlySpan<float> values, ReadOnlySpan<double> centroids, Span<int> indices)
    {
        if (indices.Length < values.Length) throw new ArgumentException("indices shorter than values", nameof(indices));
        for (int i = 0; i < values.Length; i++) indices[i] = Nearest(centroids, values[i]);
    }

    /// <summary>Index of the centroid nearest to <paramref name="value"/> (ascending centroids; ties to the lower).</summary>
    public static int Nearest(ReadOnlySpan<double> centroids, double value)
    {
        // Binary search on midpoints: the answer is the number of midpoints strictly below value.
        int lo = 0, hi = centroids.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (value > 0.5 * (centroids[mid] + centroids[mid + 1])) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    internal static KMeansResult Run(SortedPoints p, KMeansOptions o)
    {
        int k = o.Clusters, n = p.Count;
        if (n <= k)
        {
            var c = new double[n];
            for (int i = 0; i < n; i++) c[i] = p.X[i] + p.Shift;
            return new KMeansResult(c, 0, KMeansMethod.Trivial, 0, true, []);
        }
        var init = o.Init;
        if (init == CentroidInit.Auto)
            init = (long)k * n <= o.ExactBudget ? CentroidInit.Exact : CentroidInit.Auto;
        switch (init)
        {
            case CentroidInit.Exact:
                return KMeansExact.Exact(p, k);
            case CentroidInit.Auto:
            {
                int bins = o.HistogramBins > 0 ? o.HistogramBins : Math.Clamp(32 * k, 2048, 65536);
                var groupCuts = KMeansExact.HistogramCuts(p, bins);
                var coarse = p.Group(groupCuts);
                double[] start;
                if (coarse.Count <= k) start = coarse.X.ToArray();
                else
                {
                    var cuts = KMeansExact.OptimalCuts(coarse, k);
                    start = KMeansExact.CentroidsOf(coarse, cuts);
                }
                return KMeansLloyd.Lloyd(p, start, o.MaxIterations, KMeansMethod.HistogramDpLloyd);
            }
            case CentroidInit.Linear:
                return KMeansLloyd.Lloyd(p, KMeansInitialisers.Linear(p, k), o.MaxIterations, KMeansMethod.Lloyd);
            case CentroidInit.Density:
                return KMeansLloyd.Lloyd(p, KMeansInitialisers.Density(p, k), o.MaxIterations, KMeansMethod.Lloyd);
            case CentroidInit.KMeansPlusPlus:
                return KMeansLloyd.Lloyd(p, KMeansInitialisers.PlusPlus(p, k, o.Seed), o.MaxIterations, KMeansMethod.Lloyd);
            default:
                throw new CondenseException($"k-means: unknown initialisation {o.Init}");
        }
    }
}
