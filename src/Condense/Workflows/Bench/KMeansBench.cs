using Condense.Metrics;
using Condense.Quantization;

namespace Condense.Workflows.Bench;

/// <summary>
/// The measurements of <c>condense bench kmeans</c>: seconds and SSE per bits for Condense's fast
/// (default) and exact 1-D k-means on W n×n ~ N(0, 0.05²), and cond₁(W), beside scikit-learn 1.2's
/// figures from issue 4 (n = 1000) or measured live.
/// </summary>
public static class KMeansBench
{
    // scikit-learn 1.2 KMeans(n_init=1, k-means++) on W.reshape(-1, 1), 1000×1000, as quoted in issue 4.
    static readonly Dictionary<int, (double Seconds, double Sse, double Optimal)> Quoted = new()
    {
        [2] = (0.275, 295.0, 294.6),
        [4] = (0.931, 24.09, 23.80),
        [6] = (2.885, 1.649, 1.607),
        [8] = (10.98, 0.1069, 0.1011),
    };

    /// <summary>Measures every bit width of <paramref name="request"/>; <paramref name="peer"/> is scikit-learn's live run, or null.</summary>
    public static KMeansBenchReport Run(KMeansBenchRequest request, KMeansPeerReport? peer)
    {
        var (n, repeat) = (request.N, request.Repeat);
        var w = WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.Normal, n, n, 0.05, request.Seed));
        // cond₁ of W itself (issue 4: ≤ 0.35 s at 1000×1000; numpy pinv 0.33 s), best of the runs.
        double? cond1 = null, cond1S = null, cond1Cpu = null;
        if (n <= 2048)
        {
            var (c, s, cpu) = BenchTiming.Best(repeat, () => ConditionNumber.OneNorm(w, n, n), collect: false);
            if (!double.IsNaN(c)) (cond1, cond1S, cond1Cpu) = (c, s, cpu);
        }
        var rows = new List<KMeansBenchRow>();
        foreach (var b in request.Bits)
        {
            int k = 1 << b;
            var (fast, fastS, fastCpu) = BenchTiming.Best(repeat, () => KMeans1D.Fit(w, new KMeansOptions(k)));
            var row = new KMeansBenchRow(b, k, fastS, fastCpu, fast.Sse, fast.Method.ToString(), fast.Iterations);
            if (request.RunsExact)
            {
                long alloc0 = GC.GetTotalAllocatedBytes(true);
                var (ex, exS, exCpu) = BenchTiming.Best(repeat, () => KMeans1D.Fit(w, new KMeansOptions(k, CentroidInit.Exact)));
                long exAlloc = (GC.GetTotalAllocatedBytes(true) - alloc0) / repeat;
                row = row with
                {
                    ExactS = exS, ExactCpuS = exCpu, ExactSse = ex.Sse, ExactMethod = ex.Method.ToString(),
                    ExactSolves = ex.Method == KMeansMethod.ExactLagrangian ? ex.Iterations : null,
                    ExactAllocatedMb = exAlloc / 1048576.0,
                    FastGapPercent = 100 * (fast.Sse - ex.Sse) / Math.Max(ex.Sse, 1e-300),
                };
            }
            if (n == 1000 && Quoted.TryGetValue(b, out var q))
                row = row with { SklearnQuotedS = q.Seconds, SklearnQuotedSse = q.Sse, OptimalQuotedSse = q.Optimal };
            if (peer?.Runs.FirstOrDefault(r => r.Bits == b) is { } pr)
                row = row with { SklearnS = pr.SklearnTimeS, SklearnSse = pr.SklearnSse, NumpyExactSse = pr.ExactSse, NumpyExactS = pr.ExactTimeS };
            rows.Add(row);
        }
        return new KMeansBenchReport(n, (long)n * n, "normal(0, 0.05)", request.Seed, cond1, cond1S, cond1Cpu, repeat,
            peer is not null ? "live" : n == 1000 ? "quoted from issue 4" : "none", rows);
    }
}
