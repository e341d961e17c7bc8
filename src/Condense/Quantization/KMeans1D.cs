using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
                return Exact(p, k);
            case CentroidInit.Auto:
            {
                int bins = o.HistogramBins > 0 ? o.HistogramBins : Math.Clamp(32 * k, 2048, 65536);
                var groupCuts = HistogramCuts(p, bins);
                var coarse = p.Group(groupCuts);
                double[] start;
                if (coarse.Count <= k) start = coarse.X.ToArray();
                else
                {
                    var cuts = OptimalCuts(coarse, k);
                    start = CentroidsOf(coarse, cuts);
                }
                return Lloyd(p, start, o.MaxIterations, KMeansMethod.HistogramDpLloyd);
            }
            case CentroidInit.Linear:
                return Lloyd(p, LinearInit(p, k), o.MaxIterations, KMeansMethod.Lloyd);
            case CentroidInit.Density:
                return Lloyd(p, DensityInit(p, k), o.MaxIterations, KMeansMethod.Lloyd);
            case CentroidInit.KMeansPlusPlus:
                return Lloyd(p, PlusPlusInit(p, k, o.Seed), o.MaxIterations, KMeansMethod.Lloyd);
            default:
                throw new CondenseException($"k-means: unknown initialisation {o.Init}");
        }
    }

    /// <summary>
    /// Up to this many clusters the layered DP is the cheaper exact method: its last layer needs
    /// one row only, so k = 2 is a single O(n) scan and k ≤ 4 at most two O(n·log n) layers, while
    /// the Lagrangian search needs two or three solves whose take-over searches are longest when
    /// clusters are long.
    /// </summary>
    internal const int LayeredUpTo = 4;

    /// <summary>
    /// The optimum: for k &gt; <see cref="LayeredUpTo"/> the Lagrangian search
    /// (<see cref="KMeansLagrangian"/>: O(n) memory, a few near-linear solves), and the layered DP
    /// for small k or when no penalty gives exactly k clusters (tied counts). The result's method
    /// says which ran; for the Lagrangian, Iterations = penalised solves.
    /// </summary>
    internal static KMeansResult Exact(SortedPoints p, int k)
    {
        if (k <= LayeredUpTo) return Finish(p, CentroidsOf(p, OptimalCuts(p, k)), KMeansMethod.ExactDp, 0, true, []);
        var cuts = KMeansLagrangian.OptimalCuts(p, k, double.NaN, out int solves);
        if (cuts is not null) return Finish(p, CentroidsOf(p, cuts), KMeansMethod.ExactLagrangian, solves, true, []);
        return Finish(p, CentroidsOf(p, OptimalCuts(p, k)), KMeansMethod.ExactDp, 0, true, []);
    }

    /// <summary>
    /// Layered exact DP. Returns the k+1 cut positions 0 = c₀ &lt; c₁ &lt; … &lt; c_k = n; cluster m is [c_m, c_{m+1}).
    /// Requires n &gt; k.
    /// </summary>
    internal static int[] OptimalCuts(SortedPoints p, int k)
    {
        int n = p.Count;
        var W = p.W; var S1 = p.S1; var S2 = p.S2;
        // prev[i] = D[m-1][i]: best cost of points [0, i] in m clusters.
        var prev = new double[n];
        for (int i = 0; i < n; i++) prev[i] = p.Cost(0, i + 1);
        var cur = new double[n];
        var P = new double[n];
        var args = new int[k][];
        for (int m = 1; m < k; m++)
        {
            // v(j, i) = D[m-1][j-1] + S2[i+1] − S2[j] − (S1[i+1] − S1[j])² / (W[i+1] − W[j]);
            // P[j] folds the terms that depend on j alone.
            for (int j = m; j < n; j++) P[j] = prev[j - 1] - S2[j];
            var arg = args[m] = new int[n];
            // The last layer needs only the full prefix; the others every prefix that can still hold the remaining clusters.
            int lo = m == k - 1 ? n - 1 : m;
            SolveRange(lo, n - 1, m, n - 1, P, W, S1, S2, cur, arg, m, m > 1 ? args[m - 1] : null);
            (prev, cur) = (cur, prev);
        }
        var cuts = new int[k + 1];
        cuts[k] = n;
        int end = n - 1;
        for (int m = k - 1; m >= 1; m--)
        {
            int j = args[m][end];
            cuts[m] = j;
            end = j - 1;
        }
        return cuts;
    }

    /// <summary>
    /// One DP layer by divide and conquer on rows [lo, hi]. The leftmost best j is monotone in the
    /// row (the cost is Monge) and across layers: with one more cluster the last one starts no
    /// earlier (Knuth–Yao), so row i's search starts at <paramref name="argPrev"/>[i] — which on
    /// many clusters narrows each window to a few dozen candidates.
    /// </summary>
    static void SolveRange(int lo, int hi, int optLo, int optHi, double[] P, double[] W, double[] S1, double[] S2,
        double[] cur, int[] arg, int m, int[]? argPrev)
    {
        // Iterative divide and conquer (explicit stack): depth is only log n, but this keeps the
        // inner loop free of call overhead.
        Span<(int lo, int hi, int olo, int ohi)> stack = stackalloc (int, int, int, int)[64];
        int sp = 0;
        stack[sp++] = (lo, hi, optLo, optHi);
        while (sp > 0)
        {
            var (a, b, olo, ohi) = stack[--sp];
            if (a > b) continue;
            int mid = (int)((uint)(a + b) >> 1);
            int jEnd = Math.Min(mid, ohi);
            int jStart = Math.Max(olo, m);
            if (argPrev is not null) jStart = Math.Max(jStart, Math.Min(argPrev[mid], jEnd));
            double wm = W[mid + 1], sm = S1[mid + 1];
            var (best, bestJ) = ArgMin(P, W, S1, wm, sm, jStart, jEnd);
            cur[mid] = best + S2[mid + 1];
            arg[mid] = bestJ;
            stack[sp++] = (a, mid - 1, olo, bestJ);
            stack[sp++] = (mid + 1, b, bestJ, ohi);
        }
    }

    /// <summary>
    /// Leftmost j in [j0, j1] minimising P[j] − (sm − S1[j])² / (wm − W[j]). Four lanes at a time
    /// where the hardware has them; the lanes do the scalar operations in the same order, so the
    /// values, and the leftmost tie-break, are bit for bit those of the scalar loop.
    /// </summary>
    static (double Best, int BestJ) ArgMin(double[] P, double[] W, double[] S1, double wm, double sm, int j0, int j1)
    {
        double best = double.PositiveInfinity;
        int bestJ = j0;
        int j = j0;
        if (Vector256.IsHardwareAccelerated && j1 - j0 >= 7)
        {
            ref double p0 = ref MemoryMarshal.GetArrayDataReference(P);
            ref double w0 = ref MemoryMarshal.GetArrayDataReference(W);
            ref double s0 = ref MemoryMarshal.GetArrayDataReference(S1);
            var vwm = Vector256.Create(wm);
            var vsm = Vector256.Create(sm);
            var vBest = Vector256.Create(double.PositiveInfinity);
            var vIdx = Vector256.Create((double)j0, j0 + 1, j0 + 2, j0 + 3);
            var vBestIdx = vIdx;
            var four = Vector256.Create(4.0);
            for (; j + 3 <= j1; j += 4)
            {
                var s = vsm - Vector256.LoadUnsafe(ref s0, (nuint)j);
                var v = Vector256.LoadUnsafe(ref p0, (nuint)j) - s * s / (vwm - Vector256.LoadUnsafe(ref w0, (nuint)j));
                var lt = Vector256.LessThan(v, vBest);
                vBest = Vector256.ConditionalSelect(lt, v, vBest);
                vBestIdx = Vector256.ConditionalSelect(lt, vIdx, vBestIdx);
                vIdx += four;
            }
            for (int l = 0; l < 4; l++)
            {
                double v = vBest.GetElement(l);
                int idx = (int)vBestIdx.GetElement(l);
                if (v < best || (v == best && idx < bestJ)) { best = v; bestJ = idx; }
            }
        }
        for (; j <= j1; j++)
        {
            double s = sm - S1[j];
            double v = P[j] - s * s / (wm - W[j]);
            if (v < best) { best = v; bestJ = j; }
        }
        return (best, bestJ);
    }

    static double[] CentroidsOf(SortedPoints p, int[] cuts)
    {
        var c = new double[cuts.Length - 1];
        for (int m = 0; m < c.Length; m++) c[m] = p.Mean(cuts[m], cuts[m + 1]);
        return c;
    }

    /// <summary>
    /// Bin edges for the fast path: the union of equal-width edges (resolution where values are
    /// dense in range) and equal-weight edges (resolution where the mass is), so neither a
    /// heavy tail nor a spike starves the DP. Returns strictly increasing group ends, last = n.
    /// </summary>
    static int[] HistogramCuts(SortedPoints p, int bins)
    {
        int n = p.Count;
        var ends = new List<int>(bins + 2);
        double min = p.X[0], max = p.X[^1];
        int half = Math.Max(1, bins / 2);
        for (int b = 1; b < half; b++) ends.Add(p.LowerBound(min + (max - min) * b / half));
        double total = p.TotalWeight;
        for (int b = 1; b < half; b++)
        {
            double target = total * b / half;
            // first index whose prefix weight (inclusive) reaches target → group end after it
            int lo = 0, hi = n;
            while (lo < hi) { int mid = (lo + hi) >> 1; if (p.W[mid + 1] < target) lo = mid + 1; else hi = mid; }
            ends.Add(lo + 1);
        }
        ends.Add(n);
        ends.Sort();
        var cuts = new List<int>(ends.Count);
        int last = 0;
        foreach (var e in ends)
            if (e > last && e <= n) { cuts.Add(e); last = e; }
        return cuts.ToArray();
    }

    static double[] LinearInit(SortedPoints p, int k)
    {
        var c = new double[k];
        double min = p.X[0], max = p.X[^1];
        for (int j = 0; j < k; j++) c[j] = k == 1 ? 0.5 * (min + max) : min + (max - min) * j / (k - 1);
        return c;
    }

    static double[] DensityInit(SortedPoints p, int k)
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

    static double[] PlusPlusInit(SortedPoints p, int k, int seed)
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

    static int Sample(double[] weights, double total, Random rng)
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

    /// <summary>
    /// Lloyd on sorted points from ascending <paramref name="start"/> (shifted coordinates).
    /// Each iteration: boundaries at centroid midpoints by binary search, centroids from prefix sums.
    /// Empty clusters are re-seeded by splitting the costliest cluster, which never raises the SSE.
    /// </summary>
    internal static KMeansResult Lloyd(SortedPoints p, double[] start, int maxIterations, KMeansMethod method)
    {
        int n = p.Count;
        var c = (double[])start.Clone();
        Array.Sort(c);
        int k = c.Length;
        var bounds = new int[k + 1];
        var old = new int[k + 1];
        bounds[k] = n;
        var trace = new List<double>();
        bool converged = false;
        int it = 0;
        int reseeds = 0;
        while (it < maxIterations)
        {
            it++;
            Array.Copy(bounds, old, k + 1);
            ComputeBounds(p, c, bounds);
            bool same = it > 1 && bounds.AsSpan().SequenceEqual(old);
            // Update step.
            int empty = -1;
            for (int j = 0; j < k; j++)
            {
                if (bounds[j + 1] > bounds[j]) c[j] = p.Mean(bounds[j], bounds[j + 1]);
                else if (empty < 0) empty = j;
            }
            trace.Add(CostOf(p, bounds));
            if (same)
            {
                if (empty >= 0 && reseeds < k && n > k)
                {
                    Reseed(p, c, bounds, empty);
                    reseeds++;
                    continue;
                }
                converged = true;
                break;
            }
        }
        ComputeBounds(p, c, bounds);
        for (int j = 0; j < k; j++) c[j] += p.Shift;
        // Drop centroids that ended up with no points only if they duplicate a neighbour.
        return Finish(p, c, method, it, converged, trace, shifted: false);
    }

    static void ComputeBounds(SortedPoints p, double[] c, int[] bounds)
    {
        int k = c.Length;
        bounds[0] = 0;
        for (int j = 1; j < k; j++)
        {
            double t = 0.5 * (c[j - 1] + c[j]);
            // Points at exactly the midpoint go to the lower centroid (as Nearest does).
            int b = UpperBound(p.X, t, bounds[j - 1]);
            bounds[j] = b;
        }
        bounds[k] = p.Count;
    }

    static int UpperBound(double[] x, double t, int lo)
    {
        int hi = x.Length;
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (x[mid] <= t) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    static double CostOf(SortedPoints p, int[] bounds)
    {
        double s = 0;
        for (int j = 0; j + 1 < bounds.Length; j++) s += p.Cost(bounds[j], bounds[j + 1]);
        return s;
    }

    static void Reseed(SortedPoints p, double[] c, int[] bounds, int empty)
    {
        int k = c.Length, worst = -1;
        double worstCost = 0;
        for (int j = 0; j < k; j++)
        {
            if (bounds[j + 1] - bounds[j] < 2) continue;
            double cost = p.Cost(bounds[j], bounds[j + 1]);
            if (cost > worstCost) { worstCost = cost; worst = j; }
        }
        if (worst < 0) return;
        // Best 2-split of the worst cluster (exact, by scanning its prefix sums).
        int a = bounds[worst], b = bounds[worst + 1], bestS = a + 1;
        double best = double.PositiveInfinity;
        for (int s = a + 1; s < b; s++)
        {
            double v = p.Cost(a, s) + p.Cost(s, b);
            if (v < best) { best = v; bestS = s; }
        }
        var list = new List<double>(k);
        for (int j = 0; j < k; j++) if (j != empty && j != worst) list.Add(c[j]);
        list.Add(p.Mean(a, bestS));
        list.Add(p.Mean(bestS, b));
        list.Sort();
        list.CopyTo(c);
    }

    static KMeansResult Finish(SortedPoints p, double[] centroids, KMeansMethod method, int iterations, bool converged,
        IReadOnlyList<double> trace, bool shifted = true)
    {
        var c = (double[])centroids.Clone();
        if (shifted) for (int j = 0; j < c.Length; j++) c[j] += p.Shift;
        Array.Sort(c);
        // Exact SSE with nearest-centroid assignment, from the prefix sums (O(k log n)).
        int k = c.Length;
        var bounds = new int[k + 1];
        var cs = new double[k];
        for (int j = 0; j < k; j++) cs[j] = c[j] - p.Shift;
        ComputeBounds(p, cs, bounds);
        double sse = 0;
        for (int j = 0; j < k; j++)
        {
            int a = bounds[j], b = bounds[j + 1];
            if (b <= a) continue;
            double w = p.W[b] - p.W[a], s1 = p.S1[b] - p.S1[a], s2 = p.S2[b] - p.S2[a];
            double v = s2 - 2 * cs[j] * s1 + cs[j] * cs[j] * w;
            sse += Math.Max(0, v);
        }
        return new KMeansResult(c, sse, method, iterations, converged, trace);
    }
}
