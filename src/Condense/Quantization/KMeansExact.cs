using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Condense.Quantization;

/// <summary>
/// The exact 1-D k-means solvers: the layered DP over prefix sums (divide and conquer per layer,
/// Wang &amp; Song 2011) and the Lagrangian search (<see cref="KMeansLagrangian"/>), plus the bin
/// edges of the fast path's weighted histogram. Each returns cuts (cluster ends) or a finished
/// <see cref="KMeansResult"/>.
/// </summary>
internal static class KMeansExact
{
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
        if (k <= LayeredUpTo) return KMeansLloyd.Finish(p, CentroidsOf(p, OptimalCuts(p, k)), KMeansMethod.ExactDp, 0, true, []);
        var cuts = KMeansLagrangian.OptimalCuts(p, k, double.NaN, out int solves);
        if (cuts is not null) return KMeansLloyd.Finish(p, CentroidsOf(p, cuts), KMeansMethod.ExactLagrangian, solves, true, []);
        return KMeansLloyd.Finish(p, CentroidsOf(p, OptimalCuts(p, k)), KMeansMethod.ExactDp, 0, true, []);
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
    internal static void SolveRange(int lo, int hi, int optLo, int optHi, double[] P, double[] W, double[] S1, double[] S2,
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
    internal static (double Best, int BestJ) ArgMin(double[] P, double[] W, double[] S1, double wm, double sm, int j0, int j1)
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

    internal static double[] CentroidsOf(SortedPoints p, int[] cuts)
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
    internal static int[] HistogramCuts(SortedPoints p, int bins)
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
}
