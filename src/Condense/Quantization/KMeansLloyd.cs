using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Condense.Quantization;

/// <summary>
/// Lloyd on sorted points (boundaries by binary search, centroids from prefix sums: O(k·log n) an
/// iteration), empty-cluster reseeding by the best 2-split of the worst cluster, and
/// <see cref="Finish"/>: the exact SSE of any set of centroids, shared by every solver.
/// </summary>
internal static class KMeansLloyd
{
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

    internal static void ComputeBounds(SortedPoints p, double[] c, int[] bounds)
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

    internal static int UpperBound(double[] x, double t, int lo)
    {
        int hi = x.Length;
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (x[mid] <= t) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    internal static double CostOf(SortedPoints p, int[] bounds)
    {
        double s = 0;
        for (int j = 0; j + 1 < bounds.Length; j++) s += p.Cost(bounds[j], bounds[j + 1]);
        return s;
    }

    internal static void Reseed(SortedPoints p, double[] c, int[] bounds, int empty)
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

    internal static KMeansResult Finish(SortedPoints p, double[] centroids, KMeansMethod method, int iterations, bool converged,
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
