using System.Diagnostics;
using System.Text.Json.Nodes;
using Condense.Metrics;
using Condense.Quantization;

namespace Condense.Cli.Bench;

/// <summary>
/// The measurements of <c>condense bench kmeans</c>: seconds and SSE per bits for Condense's fast
/// (default) and exact 1-D k-means on W n×n ~ N(0, 0.05²), and cond₁(W), beside scikit-learn 1.2's
/// figures from issue 4 (n = 1000) or measured live. Returns the JSON document the command prints.
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

    /// <summary>One row per bit width; <paramref name="runExact"/> also times the exact solver.</summary>
    public static JsonObject Measure(int n, int[] bitsList, bool runExact, int repeat, int seed, JsonNode? peer)
    {
        var w = WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.Normal, n, n, 0.05, seed));
        var rows = new JsonArray();
        // cond₁ of W itself (issue 4: ≤ 0.35 s at 1000×1000; numpy pinv 0.33 s), best of the runs.
        double cond1 = double.NaN, cond1S = double.PositiveInfinity, cond1Cpu = double.PositiveInfinity;
        if (n <= 2048)
        {
            (cond1, cond1S, cond1Cpu) = Time(repeat, () => ConditionNumber.OneNorm(w, n, n), collect: false);
        }
        foreach (var b in bitsList)
        {
            int k = 1 << b;
            var (fast, fastS, fastCpu) = Time(repeat, () => KMeans1D.Fit(w, new KMeansOptions(k)));
            var row = new JsonObject
            {
                ["bits"] = b, ["k"] = k,
                ["fast_s"] = fastS, ["fast_cpu_s"] = fastCpu, ["fast_sse"] = fast.Sse, ["fast_method"] = fast.Method.ToString(),
                ["fast_iterations"] = fast.Iterations,
            };
            if (runExact)
            {
                long alloc0 = GC.GetTotalAllocatedBytes(true);
                var (ex, exS, exCpu) = Time(repeat, () => KMeans1D.Fit(w, new KMeansOptions(k, CentroidInit.Exact)));
                long exAlloc = (GC.GetTotalAllocatedBytes(true) - alloc0) / repeat;
                row["exact_s"] = exS; row["exact_cpu_s"] = exCpu; row["exact_sse"] = ex.Sse; row["exact_method"] = ex.Method.ToString();
                if (ex.Method == KMeansMethod.ExactLagrangian) row["exact_solves"] = ex.Iterations;
                row["exact_allocated_mb"] = exAlloc / 1048576.0;
                row["fast_gap_percent"] = 100 * (fast.Sse - ex.Sse) / Math.Max(ex.Sse, 1e-300);
            }
            if (n == 1000 && Quoted.TryGetValue(b, out var q))
            {
                row["sklearn_quoted_s"] = q.Seconds; row["sklearn_quoted_sse"] = q.Sse; row["optimal_quoted_sse"] = q.Optimal;
            }
            var pr = peer?["runs"]?.AsArray().FirstOrDefault(r => r?["bits"]?.GetValue<int>() == b);
            if (pr is not null)
            {
                row["sklearn_s"] = pr["sklearn_time_s"]?.GetValue<double>();
                row["sklearn_sse"] = pr["sklearn_sse64"]?.GetValue<double>();
                if (pr["exact_sse"] is { } es) row["numpy_exact_sse"] = es.GetValue<double>();
                if (pr["exact_time_s"] is { } et) row["numpy_exact_s"] = et.GetValue<double>();
            }
            rows.Add(row);
        }
        return new JsonObject
        {
            ["bench"] = "kmeans", ["n"] = n, ["weights"] = (long)n * n, ["distribution"] = "normal(0, 0.05)", ["seed"] = seed,
            ["cond1"] = double.IsNaN(cond1) ? null : cond1, ["cond1_s"] = double.IsNaN(cond1) ? null : cond1S,
            ["cond1_cpu_s"] = double.IsNaN(cond1) ? null : cond1Cpu,
            ["repeat"] = repeat, ["peers"] = peer is not null ? "live" : n == 1000 ? "quoted from issue 4" : "none",
            ["runs"] = rows,
        };
    }

    /// <summary>The last result, the best wall time and the best process CPU time over the runs (CPU time is the fairer figure on a shared machine).</summary>
    static (T Result, double Seconds, double CpuSeconds) Time<T>(int repeat, Func<T> f, bool collect = true)
    {
        T r = default!;
        double best = double.PositiveInfinity, bestCpu = double.PositiveInfinity;
        var process = Process.GetCurrentProcess();
        for (int i = 0; i < repeat; i++)
        {
            if (collect) GC.Collect();
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            r = f();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            process.Refresh();
            bestCpu = Math.Min(bestCpu, (process.TotalProcessorTime - cpu0).TotalSeconds);
        }
        return (r, best, bestCpu);
    }
}
