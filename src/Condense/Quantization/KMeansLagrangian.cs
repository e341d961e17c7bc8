namespace Condense.Quantization;

/// <summary>
/// Exact 1-D k-means by Lagrangian relaxation of the cluster count ("WQS binary search", the
/// "Aliens trick"): instead of k DP layers, solve the one-layer penalised problem
/// F(i) = min_{j&lt;i} F(j) + cost(j, i) + λ for a few penalties λ until its optimum uses exactly
/// k clusters. O(n) memory and, per penalty, about n·(a few) cost evaluations.
/// </summary>
/// <remarks>
/// <para><b>Why it is exact.</b> If a partition P* minimises SSE(P) + λ·|P| over all partitions
/// and |P*| = k, then for every k-partition P, SSE(P*) + λk ≤ SSE(P) + λk, so SSE(P*) ≤ SSE(P):
/// P* is an optimal k-clustering (Everett's Lagrangian argument). The 1-D k-means cost satisfies
/// the quadrangle inequality, so the optimal SSE is convex in k (Aggarwal, Schieber &amp; Tokuyama
/// 1994, minimum-weight k-link paths in concave Monge graphs) and some λ reaches every k — unless
/// several counts tie at the λ that separates them (collinear points of the convex hull, e.g.
/// evenly spaced values). Then this class reports failure and <see cref="KMeans1D"/> falls back
/// to the layered DP, and says so in <see cref="KMeansResult.Method"/>. The same method is used
/// by Grønlund et al. 2017, "Fast exact k-means, k-medians and Bregman divergence clustering in
/// 1D", §2.3.</para>
/// <para><b>One penalised solve.</b> Over prefix lengths 0..n of the sorted (weighted) points
/// the quadrangle inequality makes a later candidate start j₂ &gt; j₁, once at least as good as
/// j₁ at some prefix, at least as good at every longer prefix. So a deque of candidates, each
/// owning an interval of prefixes, suffices (Galil &amp; Park 1990, the 1D/1D convex recurrence);
/// where a new candidate takes over is found by galloping then binary search from the back's
/// start, which is usually one or two prefixes away: a few cost evaluations per point.
/// Ties are broken towards fewer clusters (lexicographic on (value, count)), which keeps the
/// take-over monotone.</para>
/// <para><b>Finding λ.</b> Near the answer SSE(k) ≈ C/k², so the slope λ(k) ≈ 2·SSE/k and
/// k(λ) ≈ c·λ^(−1/3): from a hint of SSE(k) the first λ is usually within a few clusters, and
/// later λ come from a secant on (log k, log λ) between the bracketing penalties, with
/// geometric bisection when the secant stalls. The window of λ that yields k is ≈ 3/k wide
/// (relative), so a handful of solves suffices.</para>
/// <para>Costs use the prefix sums of <see cref="SortedPoints"/>, whose values are centred on
/// their mean to limit cancellation in S₂ − S₁²/W.</para>
/// </remarks>
internal sealed class KMeansLagrangian
{
    /// <summary>Penalised solves at most before giving up (and letting the caller fall back).</summary>
    internal const int MaxSolves = 100;

    readonly SortedPoints _p;
    readonly double[] _g;     // G[i] = F(i) − S₂[i]: the part of F that candidates are compared on
    readonly int[] _count;    // clusters in the chosen optimum of prefix i
    readonly int[] _arg;      // start of the last cluster of prefix i
    readonly int[] _qj;       // deque: candidate starts
    readonly int[] _qs;       // deque: first prefix each candidate owns

    internal KMeansLagrangian(SortedPoints p)
    {
        _p = p;
        int n = p.Count;
        _g = new double[n + 1];
        _count = new int[n + 1];
        _arg = new int[n + 1];
        _qj = new int[n + 1];
        _qs = new int[n + 1];
    }

    /// <summary>Penalised problems solved so far.</summary>
    internal int Solves => History.Count;

    /// <summary>Each penalty tried and the cluster count of its optimum, in order (for tests and diagnostics).</summary>
    internal List<(double Lambda, int Count)> History { get; } = [];

    /// <summary>
    /// The cut positions 0 = c₀ &lt; … &lt; c_k = n of an optimal k-clustering, or null when no
    /// penalty gives exactly k clusters (ties on the hull) within <see cref="MaxSolves"/>.
    /// </summary>
    /// <param name="p">The sorted, merged points (n &gt; k).</param>
    /// <param name="k">Clusters, 1 ≤ k &lt; n.</param>
    /// <param name="sseHint">An estimate of the optimal SSE (e.g. the fast path's), or NaN for none.</param>
    /// <param name="solves">Penalised problems solved.</param>
    internal static int[]? OptimalCuts(SortedPoints p, int k, double sseHint, out int solves)
    {
        int n = p.Count;
        if (k < 1 || k >= n) throw new ArgumentOutOfRangeException(nameof(k), k, $"needs 1 ≤ k < n = {n}");
        solves = 0;
        if (k == 1) return [0, n];
        var solver = new KMeansLagrangian(p);
        var cuts = solver.Search(k, sseHint);
        solves = solver.Solves;
        return cuts;
    }

    internal int[]? Search(int k, double sseHint)
    {
        double total = _p.Cost(0, _p.Count);
        if (!(total > 0)) return null;
        // With no hint, Panter–Dite for a Gaussian, SSE(k) ≈ (√3·π/2)·SSE(1)/k² ≈ 2.72·SSE(1)/k²,
        // with a finite-k factor 1 − 1.6/k fitted to Max's (1960) optimal Gaussian quantizers
        // (k²·SSE(k)/SSE(1) = 2.21 at k = 8, 2.44 at 16, 2.61 at 32).
        double sse = double.IsFinite(sseHint) && sseHint > 0 ? sseHint
            : 2.72 * Math.Max(0.25, 1 - 1.6 / k) * total / ((double)k * k);
        double lambda = 2 * sse / k;
        double lo = 0, hi = double.PositiveInfinity;   // count(lo) > k, count(hi) < k
        int countLo = 0, countHi = 0;
        int sameSide = 0, lastSide = 0;
        while (Solves < MaxSolves)
        {
            int count = Solve(lambda);
            if (count == k) return Cuts(k);
            int side = count > k ? -1 : 1;
            if (side < 0) { lo = lambda; countLo = count; } else { hi = lambda; countHi = count; }
            sameSide = side == lastSide ? sameSide + 1 : 1;
            lastSide = side;
            double next;
            // Unbracketed: the model's step (k ∝ λ^(−1/3)), a third of k's window (≈ 3/k in log λ) past,
            // doubled in log for every further step on the same side (the model fails near k ≈ n,
            // where SSE(k) is not C/k²).
            double growth = 1 << Math.Min(sameSide - 1, 30);
            if (double.IsPositiveInfinity(hi))
                next = Math.Min(lo * Math.Exp(growth * (3 * Math.Log((double)countLo / k) + 1.0 / k)), 2 * total);
            else if (lo == 0)
                next = hi * Math.Exp(growth * (3 * Math.Log((double)countHi / k) - 1.0 / k));
            else
            {
                // Secant of log λ on log count between the bracket ends; bisect (geometrically) when it
                // stalls, i.e. when the same end has moved twice running (regula falsi's failure mode).
                double t = (Math.Log(k) - Math.Log(countLo)) / (Math.Log(countHi) - Math.Log(countLo));
                next = sameSide >= 2 ? Math.Sqrt(lo * hi) : Math.Exp(Math.Log(lo) + t * (Math.Log(hi) - Math.Log(lo)));
            }
            if (!(next > lo && next < hi)) next = double.IsPositiveInfinity(hi) ? lo * 2 : lo == 0 ? hi / 2 : Math.Sqrt(lo * hi);
            // The bracket has collapsed to adjacent doubles: k sits strictly inside a tie of counts.
            if (!(next > lo && next < hi) || (lo > 0 && hi / lo - 1 < 1e-14)) return null;
            lambda = next;
        }
        return null;
    }

    /// <summary>
    /// Solves the penalised problem for <paramref name="lambda"/> over all n points and returns
    /// the number of clusters of its optimum (the fewest among tied optima, up to rounding).
    /// </summary>
    internal int Solve(double lambda)
    {
        var W = _p.W; var S1 = _p.S1; var S2 = _p.S2;
        var g = _g; var cnt = _count; var arg = _arg; var qj = _qj; var qs = _qs;
        int n = _p.Count;
        g[0] = 0 - S2[0];
        cnt[0] = 0;
        int head = 0, tail = 0;
        qj[tail] = 0; qs[tail] = 1; tail++;
        for (int i = 1; i <= n; i++)
        {
            while (tail - head > 1 && qs[head + 1] <= i) head++;
            int j = qj[head];
            double s = S1[i] - S1[j];
            g[i] = g[j] - s * s / (W[i] - W[j]) + lambda;
            cnt[i] = cnt[j] + 1;
            arg[i] = j;
            if (i == n) break;
            // Candidate i serves prefixes > i. Drop the back candidates it beats from their first prefix on.
            int from = 0;
            while (tail > head)
            {
                from = Math.Max(qs[tail - 1], i + 1);
                if (Prefers(i, qj[tail - 1], from)) tail--;
                else break;
            }
            if (tail == head) { qj[tail] = i; qs[tail] = i + 1; tail++; continue; }
            // Smallest prefix in (from, n] where i is preferred over the back: gallop, then bisect.
            int jb = qj[tail - 1], a = from, step = 1, b = a + 1;
            while (b <= n && !Prefers(i, jb, b)) { a = b; step <<= 1; b = a + step; }
            if (b > n) b = n + 1;
            while (b - a > 1)
            {
                int mid = (int)((uint)(a + b) >> 1);
                if (Prefers(i, jb, mid)) b = mid; else a = mid;
            }
            if (b <= n) { qj[tail] = i; qs[tail] = b; tail++; }
        }
        History.Add((lambda, cnt[n]));
        return cnt[n];
    }

    /// <summary>Candidate comparisons made so far (each two cost evaluations): a few per point and solve, which the tests pin.</summary>
    internal long Evaluations { get; private set; }

    /// <summary>Whether the later start <paramref name="late"/> beats <paramref name="early"/> for prefix <paramref name="at"/>: lower value, or equal value and fewer clusters.</summary>
    bool Prefers(int late, int early, int at)
    {
        Evaluations++;
        var W = _p.W; var S1 = _p.S1;
        double sl = S1[at] - S1[late], se = S1[at] - S1[early];
        double vl = _g[late] - sl * sl / (W[at] - W[late]);
        double ve = _g[early] - se * se / (W[at] - W[early]);
        return vl < ve || (vl == ve && _count[late] < _count[early]);
    }

    int[] Cuts(int k)
    {
        var cuts = new int[k + 1];
        int end = _p.Count;
        for (int m = k; m >= 0; m--) { cuts[m] = end; end = m > 0 ? _arg[end] : 0; }
        return cuts;
    }
}
