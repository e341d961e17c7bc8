using Condense.Quantization;

namespace Condense.Tests.Quantization;

/// <summary>
/// The Lagrangian (WQS) exact k-means against the layered DP it replaces on the exact path: the
/// same SSE and, where the optimum is unique, the same cuts; and the fallback when ties leave no
/// penalty with exactly k clusters.
/// </summary>
public class KMeansLagrangianTests
{
    static double[] Normal(int n, Random rng, double sigma = 1)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++)
            x[i] = sigma * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        return x;
    }

    static double SseOf(SortedPoints p, int[] cuts)
    {
        double s = 0;
        for (int m = 0; m + 1 < cuts.Length; m++) s += p.Cost(cuts[m], cuts[m + 1]);
        return s;
    }

    /// <summary>Runs both exact solvers; asserts equal SSE (1e-9 relative) and, when <paramref name="unique"/>, identical cuts.</summary>
    static void AssertMatchesLayeredDp(SortedPoints p, int k, bool unique, string what)
    {
        var layered = KMeansExact.OptimalCuts(p, k);
        var lagrangian = KMeansLagrangian.OptimalCuts(p, k, double.NaN, out int solves);
        if (unique) Assert.True(lagrangian is not null, $"{what}: no penalty gave {k} clusters after {solves} solves");
        if (lagrangian is null) return;
        Assert.Equal(k + 1, lagrangian.Length);
        Assert.Equal(0, lagrangian[0]);
        Assert.Equal(p.Count, lagrangian[^1]);
        for (int m = 0; m < k; m++) Assert.True(lagrangian[m] < lagrangian[m + 1], $"{what}: empty cluster {m}");
        double a = SseOf(p, layered), b = SseOf(p, lagrangian);
        Assert.True(Math.Abs(a - b) <= 1e-9 * Math.Max(a, 1e-300), $"{what}: layered SSE {a:R} vs Lagrangian {b:R}");
        if (unique) Assert.Equal(layered, lagrangian);
    }

    [Theory]
    [InlineData(1, 50, new[] { 2, 3, 7, 49 })]
    [InlineData(2, 300, new[] { 2, 5, 16, 64, 150, 299 })]
    [InlineData(3, 1000, new[] { 4, 17, 100, 256, 999 })]
    [InlineData(4, 5000, new[] { 8, 64, 256, 1000 })]
    public void EqualsTheLayeredDpOnRandomNormalValues(int seed, int n, int[] ks)
    {
        var rng = new Random(seed);
        for (int rep = 0; rep < 5; rep++)
        {
            var x = Normal(n, rng, 0.05);
            var p = SortedPoints.FromValues(x.Select(v => (float)v).ToArray(), "test");
            foreach (int k in ks)
                if (k < p.Count) AssertMatchesLayeredDp(p, k, unique: true, $"seed {seed} rep {rep} n {n} k {k}");
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void EqualsTheLayeredDpOnOtherShapes(int seed)
    {
        var rng = new Random(seed);
        // Uniform, heavy-tailed (Laplace), bimodal and a spike with outliers: the λ model assumes none of them.
        double[][] sets =
        [
            Enumerable.Range(0, 2000).Select(_ => rng.NextDouble()).ToArray(),
            Enumerable.Range(0, 2000).Select(_ => (rng.NextDouble() < 0.5 ? -1 : 1) * -Math.Log(1 - rng.NextDouble())).ToArray(),
            Normal(1000, rng, 0.1).Select((v, i) => v + (i % 2 == 0 ? -3 : 3)).ToArray(),
            Normal(1500, rng, 0.01).Concat([-40.0, -7, 5, 60]).ToArray(),
        ];
        foreach (var x in sets)
        {
            var p = SortedPoints.FromValues(x.Select(v => (float)v).ToArray(), "test");
            foreach (int k in new[] { 2, 3, 5, 10, 32, 128, 500 })
                AssertMatchesLayeredDp(p, k, unique: true, $"seed {seed} n {x.Length} k {k}");
        }
    }

    [Theory]
    [InlineData(21, false)]
    [InlineData(22, false)]
    [InlineData(23, true)]
    [InlineData(24, true)]
    public void EqualsTheLayeredDpOnWeightedPoints(int seed, bool integerCounts)
    {
        var rng = new Random(seed);
        for (int rep = 0; rep < 5; rep++)
        {
            int n = 100 + rng.Next(2000);
            var x = Normal(n, rng);
            var w = new double[n];
            for (int i = 0; i < n; i++) w[i] = integerCounts ? 1 + rng.Next(1000) : Math.Exp(4 * rng.NextDouble() - 2);
            var p = SortedPoints.FromWeighted(x, w, "test");
            foreach (int k in new[] { 2, 9, 40, 256, n / 2 })
                if (k < p.Count) AssertMatchesLayeredDp(p, k, unique: true, $"seed {seed} rep {rep} n {n} k {k}");
        }
    }

    [Fact]
    public void WeightedPointsEqualRepeatedPointsThroughTheExactPath()
    {
        var rng = new Random(31);
        var values = Normal(300, rng).Select(v => (double)(float)v).ToArray();
        var counts = values.Select(_ => (double)(1 + rng.Next(6))).ToArray();
        var repeated = values.SelectMany((v, i) => Enumerable.Repeat((float)v, (int)counts[i])).ToArray();
        foreach (int k in new[] { 5, 16, 64 })
        {
            var w = KMeans1D.Fit(values, counts, new KMeansOptions(k, CentroidInit.Exact));
            var r = KMeans1D.Fit(repeated, new KMeansOptions(k, CentroidInit.Exact));
            Assert.Equal(KMeansMethod.ExactLagrangian, w.Method);
            Assert.Equal(r.Sse, w.Sse, 1e-9 * r.Sse);
            Assert.Equal(r.Centroids.Length, w.Centroids.Length);
            for (int j = 0; j < k; j++) Assert.Equal(r.Centroids[j], w.Centroids[j], 1e-9);
        }
    }

    [Theory]
    [InlineData(41, 4)]
    [InlineData(42, 16)]
    [InlineData(43, 64)]
    public void WithManyDuplicatesTheExactPathStillGivesTheOptimum(int seed, int levels)
    {
        // Values on a coarse grid: few distinct values with large, often equal, weights, so
        // penalised optima can tie. Whichever solver runs, the SSE is the layered DP's.
        var rng = new Random(seed);
        var x = Normal(5000, rng).Select(v => (float)(Math.Round(v * levels / 4) * 4 / levels)).ToArray();
        var p = SortedPoints.FromValues(x, "test");
        foreach (int k in new[] { 2, 3, 5, 8, p.Count / 2, p.Count - 1 })
        {
            if (k < 1 || k >= p.Count) continue;
            AssertMatchesLayeredDp(p, k, unique: false, $"levels {levels} k {k}");
            var r = KMeans1D.Fit(x, new KMeansOptions(k, CentroidInit.Exact));
            Assert.True(r.Method is KMeansMethod.ExactLagrangian or KMeansMethod.ExactDp, r.Method.ToString());
            double expected = SseOf(p, KMeansExact.OptimalCuts(p, k));
            Assert.Equal(expected, r.Sse, 1e-9 * Math.Max(expected, 1e-12));
        }
    }

    [Fact]
    public void OneClusterIsTheWholeRunWithNoSolve()
    {
        var x = Normal(777, new Random(51)).Select(v => (float)v).ToArray();
        var p = SortedPoints.FromValues(x, "test");
        var cuts = KMeansLagrangian.OptimalCuts(p, 1, double.NaN, out int solves);
        Assert.Equal([0, p.Count], cuts!);
        Assert.Equal(0, solves);
        var r = KMeans1D.Fit(x, new KMeansOptions(1, CentroidInit.Exact));
        Assert.Equal(KMeansMethod.ExactDp, r.Method); // k ≤ LayeredUpTo: the layered DP is cheaper
        double mean = x.Average(v => (double)v);
        Assert.Equal(mean, r.Centroids.Single(), 1e-12);
        Assert.Equal(x.Sum(v => (v - mean) * (v - mean)), r.Sse, 1e-9 * r.Sse);
    }

    [Fact]
    public void AtLeastAsManyClustersAsDistinctValuesGiveZeroError()
    {
        float[] x = [0.5f, -1, 0.5f, 2, 2, 7];
        foreach (int k in new[] { 4, 5, 64 })
        {
            var r = KMeans1D.Fit(x, new KMeansOptions(k, CentroidInit.Exact));
            Assert.Equal(KMeansMethod.Trivial, r.Method);
            Assert.Equal([-1.0, 0.5, 2.0, 7.0], r.Centroids.Select(c => Math.Round(c, 12)));
            Assert.Equal(0, r.Sse);
        }
        // One fewer cluster than distinct values: SSE(2) = 6.3, SSE(3) = 1.5 ({−1, ½, ½} merged), SSE(4) = 0,
        // a vertex of the convex hull, so a penalty reaches it.
        var p = SortedPoints.FromValues(x, "test");
        Assert.Equal([0, 2, 3, 4], KMeansLagrangian.OptimalCuts(p, 3, double.NaN, out _)!);
        var three = KMeans1D.Fit(x, new KMeansOptions(3, CentroidInit.Exact));
        Assert.Equal(1.5, three.Sse, 12);
        Assert.Equal([0.0, 2.0, 7.0], three.Centroids.Select(c => Math.Round(c, 12)));
    }

    [Fact]
    public void TiesBreakTowardsFewerClusters()
    {
        // 0..7 evenly spaced: SSE(k) = (8 − k)/2 for k = 4..8, a straight line of slope −½, so at
        // λ = ½ every count from 4 to 8 has the same penalised value 4 (exactly, in binary).
        var p = SortedPoints.FromValues([0, 1, 2, 3, 4, 5, 6, 7], "test");
        var solver = new KMeansLagrangian(p);
        Assert.Equal(4, solver.Solve(0.5));
        Assert.Equal(8, solver.Solve(0.49));
        Assert.Equal(4, solver.Solve(0.51));
        Assert.Equal(1, solver.Solve(1e6));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public void CollinearCountsForceTheLayeredFallback(int k)
    {
        // No penalty gives 5 or 6 clusters of 0..7 (see above): the Lagrangian search must say so
        // rather than return another count, and Fit must fall back to the layered DP.
        float[] x = [3, 0, 7, 1, 6, 2, 5, 4];
        var p = SortedPoints.FromValues(x, "test");
        Assert.Null(KMeansLagrangian.OptimalCuts(p, k, double.NaN, out int solves));
        Assert.InRange(solves, 1, KMeansLagrangian.MaxSolves);
        var r = KMeans1D.Fit(x, new KMeansOptions(k, CentroidInit.Exact));
        Assert.Equal(KMeansMethod.ExactDp, r.Method);
        Assert.Equal((8 - k) / 2.0, r.Sse, 12);
        Assert.Equal(k, r.Centroids.Length);
    }

    [Fact]
    public void EveryCountOfEvenlySpacedValuesIsOptimalWhicheverSolverRuns()
    {
        // Inside a tie the penalty that separates the counts is hit only up to rounding, and a
        // rounding can let an intermediate count through (k = 7 here does); such a partition is
        // still optimal up to that rounding, by the same Lagrangian argument. Optimal SSEs of 0..7:
        double[] optimum = [42, 10, 4.5, 2, 1.5, 1, 0.5];
        float[] x = [0, 1, 2, 3, 4, 5, 6, 7];
        for (int k = 1; k <= 7; k++)
        {
            var r = KMeans1D.Fit(x, new KMeansOptions(k, CentroidInit.Exact));
            Assert.True(r.Method is KMeansMethod.ExactLagrangian or KMeansMethod.ExactDp, r.Method.ToString());
            Assert.Equal(optimum[k - 1], r.Sse, 12);
            Assert.Equal(k, r.Centroids.Length);
        }
    }

    [Fact]
    public void EvenlySpacedCountsOnTheHullStillUseTheLagrangian()
    {
        // SSE(3) = 4.5, SSE(4) = 2, SSE(5) = 1.5: k = 4 is a vertex of the hull (slopes 2.5 then ½), so a penalty reaches it.
        var p = SortedPoints.FromValues([0, 1, 2, 3, 4, 5, 6, 7], "test");
        Assert.Equal([0, 2, 4, 6, 8], KMeansLagrangian.OptimalCuts(p, 4, double.NaN, out _)!);
    }

    [Fact]
    public void SmallKUsesTheLayeredDpAndLargerKTheLagrangian()
    {
        var x = Normal(3000, new Random(71)).Select(v => (float)v).ToArray();
        for (int k = 1; k <= 9; k++)
        {
            var r = KMeans1D.Fit(x, new KMeansOptions(k, CentroidInit.Exact));
            Assert.Equal(k <= KMeansExact.LayeredUpTo ? KMeansMethod.ExactDp : KMeansMethod.ExactLagrangian, r.Method);
            Assert.True(r.Method != KMeansMethod.ExactLagrangian || r.Iterations >= 1, "Iterations counts the penalised solves");
        }
    }

    [Fact]
    public void ATwentiethOfTheBenchAtEightBitsTakesAFewSolves()
    {
        // The bench's case at a twentieth of the size (the layered DP stays affordable as the reference).
        var x = Normal(50_000, new Random(61), 0.05).Select(v => (float)v).ToArray();
        var p = SortedPoints.FromValues(x, "test");
        var solver = new KMeansLagrangian(p);
        var cuts = solver.Search(256, double.NaN);
        Assert.NotNull(cuts);
        Assert.InRange(solver.Solves, 1, 12);
        // Near-linear per solve: the take-over search from the deque's back is a few steps, not log n.
        Assert.InRange(solver.Evaluations / (double)solver.Solves / p.Count, 1, 10);
        Assert.Equal(KMeansExact.OptimalCuts(p, 256), cuts);
    }
}
