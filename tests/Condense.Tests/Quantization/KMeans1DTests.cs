using Condense.Quantization;

namespace Condense.Tests.Quantization;

public class KMeans1DTests
{
    static float[] Normal(int n, int seed, double sigma = 1)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return x;
    }

    /// <summary>Best SSE over every labelling of the points into at most k groups (no contiguity assumed).</summary>
    static double BruteForce(float[] x, int k)
    {
        int n = x.Length;
        var labels = new int[n];
        double best = double.PositiveInfinity;
        long total = (long)Math.Pow(k, n);
        var sum = new double[k]; var cnt = new int[k]; var sq = new double[k];
        for (long code = 0; code < total; code++)
        {
            long c = code;
            for (int i = 0; i < n; i++) { labels[i] = (int)(c % k); c /= k; }
            Array.Clear(sum); Array.Clear(cnt); Array.Clear(sq);
            for (int i = 0; i < n; i++) { sum[labels[i]] += x[i]; sq[labels[i]] += (double)x[i] * x[i]; cnt[labels[i]]++; }
            double sse = 0;
            for (int j = 0; j < k; j++) if (cnt[j] > 0) sse += sq[j] - sum[j] * sum[j] / cnt[j];
            best = Math.Min(best, sse);
        }
        return best;
    }

    [Theory]
    [InlineData(1, 7, 1)]
    [InlineData(2, 8, 2)]
    [InlineData(3, 8, 3)]
    [InlineData(4, 9, 4)]
    [InlineData(5, 7, 3)]
    [InlineData(6, 9, 2)]
    public void ExactDpEqualsBruteForceOverAllLabellings(int seed, int n, int k)
    {
        var x = Normal(n, seed);
        var r = KMeans1D.Fit(x, new KMeansOptions(k, CentroidInit.Exact));
        Assert.True(r.Method is KMeansMethod.ExactLagrangian or KMeansMethod.ExactDp, r.Method.ToString());
        Assert.Equal(BruteForce(x, k), r.Sse, 9);
        Assert.Equal(r.Sse, KMeans1D.Sse(x, r.Centroids), 9);
    }

    /// <summary>Plain O(k·n²) DP over sorted values with sums recomputed per run: the reference for mid-sized n.</summary>
    static double ReferenceDp(float[] values, int k)
    {
        var x = values.Select(v => (double)v).Distinct().Order().ToArray();
        var w = x.Select(v => (double)values.Count(u => u == v)).ToArray();
        int n = x.Length;
        if (n <= k) return 0;
        var cost = new double[n, n];
        for (int a = 0; a < n; a++)
        {
            double sw = 0, s1 = 0;
            for (int b = a; b < n; b++)
            {
                sw += w[b]; s1 += w[b] * x[b];
                double mean = s1 / sw, c = 0;
                for (int t = a; t <= b; t++) c += w[t] * (x[t] - mean) * (x[t] - mean);
                cost[a, b] = c;
            }
        }
        var d = new double[n];
        for (int i = 0; i < n; i++) d[i] = cost[0, i];
        for (int m = 1; m < k; m++)
        {
            var e = new double[n];
            for (int i = 0; i < n; i++)
            {
                e[i] = double.PositiveInfinity;
                for (int j = 1; j <= i; j++) e[i] = Math.Min(e[i], d[j - 1] + cost[j, i]);
                if (i < m) e[i] = 0;
            }
            d = e;
        }
        return d[n - 1];
    }

    [Theory]
    [InlineData(11, 120, 2, false)]
    [InlineData(12, 150, 5, false)]
    [InlineData(13, 150, 16, false)]
    [InlineData(14, 200, 37, false)]
    [InlineData(15, 200, 64, true)]
    [InlineData(16, 180, 9, true)]
    [InlineData(17, 90, 80, true)]
    public void ExactDpEqualsQuadraticReferenceDp(int seed, int n, int k, bool coarse)
    {
        var x = Normal(n, seed);
        if (coarse) for (int i = 0; i < n; i++) x[i] = MathF.Round(x[i] * 4) / 4; // many ties
        var r = KMeans1D.Fit(x, new KMeansOptions(k, CentroidInit.Exact));
        double reference = ReferenceDp(x, k);
        Assert.Equal(reference, r.Sse, 1e-9 * Math.Max(1, reference));
        Assert.Equal(r.Sse, KMeans1D.Sse(x, r.Centroids), 1e-9 * Math.Max(1, reference));
    }

    [Fact]
    public void OnePointOneCluster()
    {
        var r = KMeans1D.Fit([0.25f], new KMeansOptions(1));
        Assert.Equal([0.25], r.Centroids);
        Assert.Equal(0, r.Sse);
    }

    [Fact]
    public void TwoObviousGroupsAreFound()
    {
        float[] x = [1, 2, 3, 10, 11, 12];
        foreach (var init in Enum.GetValues<CentroidInit>())
        {
            var r = KMeans1D.Fit(x, new KMeansOptions(2, init));
            Assert.Equal([2.0, 11.0], r.Centroids);
            Assert.Equal(4.0, r.Sse, 12);
        }
    }

    [Fact]
    public void FewerDistinctValuesThanClustersGiveZeroError()
    {
        float[] x = [3, 1, 3, 1, 2];
        var r = KMeans1D.Fit(x, new KMeansOptions(8));
        Assert.Equal([1.0, 2.0, 3.0], r.Centroids);
        Assert.Equal(0, r.Sse);
        Assert.Equal(KMeansMethod.Trivial, r.Method);
    }

    [Theory]
    [InlineData(CentroidInit.Linear)]
    [InlineData(CentroidInit.Density)]
    [InlineData(CentroidInit.KMeansPlusPlus)]
    [InlineData(CentroidInit.Auto)]
    public void LloydNeverIncreasesSse(CentroidInit init)
    {
        var x = Normal(20000, 11, 0.05);
        var r = KMeans1D.Fit(x, new KMeansOptions(64, init) { ExactBudget = 0 });
        Assert.NotEmpty(r.SseTrace);
        for (int i = 1; i < r.SseTrace.Count; i++)
            Assert.True(r.SseTrace[i] <= r.SseTrace[i - 1] * (1 + 1e-12) + 1e-18, $"iteration {i}: {r.SseTrace[i - 1]} → {r.SseTrace[i]}");
        Assert.Equal(KMeans1D.Sse(x, r.Centroids), r.Sse, 10);
    }

    [Fact]
    public void WeightedInputEqualsRepeatedPoints()
    {
        double[] values = [0.1, -0.3, 0.7, 0.2, 1.5, -2.0];
        double[] counts = [3, 1, 4, 1, 5, 9];
        var repeated = new List<float>();
        for (int i = 0; i < values.Length; i++) for (int c = 0; c < counts[i]; c++) repeated.Add((float)values[i]);
        var floats = values.Select(v => (double)(float)v).ToArray();
        foreach (var init in new[] { CentroidInit.Exact, CentroidInit.Linear, CentroidInit.Density })
        {
            var w = KMeans1D.Fit(floats, counts, new KMeansOptions(3, init));
            var r = KMeans1D.Fit(repeated.ToArray(), new KMeansOptions(3, init));
            Assert.Equal(r.Sse, w.Sse, 10);
            for (int j = 0; j < 3; j++) Assert.Equal(r.Centroids[j], w.Centroids[j], 10);
        }
    }

    [Fact]
    public void FastPathIsWithinATenthOfAPercentOfTheOptimum()
    {
        var x = Normal(60000, 5, 0.05);
        foreach (int k in new[] { 4, 16, 64, 256 })
        {
            var exact = KMeans1D.Fit(x, new KMeansOptions(k, CentroidInit.Exact));
            var fast = KMeans1D.Fit(x, new KMeansOptions(k) { ExactBudget = 0 });
            Assert.Equal(KMeansMethod.HistogramDpLloyd, fast.Method);
            Assert.True(fast.Sse >= exact.Sse * (1 - 1e-9), $"k={k}: fast {fast.Sse} below optimum {exact.Sse}");
            Assert.True(fast.Sse <= exact.Sse * 1.001, $"k={k}: fast {fast.Sse} vs optimum {exact.Sse}");
        }
    }

    [Fact]
    public void KMeansPlusPlusIsDeterministicForASeed()
    {
        var x = Normal(5000, 3);
        var a = KMeans1D.Fit(x, new KMeansOptions(16, CentroidInit.KMeansPlusPlus) { Seed = 7 });
        var b = KMeans1D.Fit(x, new KMeansOptions(16, CentroidInit.KMeansPlusPlus) { Seed = 7 });
        Assert.Equal(a.Centroids, b.Centroids);
    }

    [Fact]
    public void BadInputIsRejectedWithTheValue()
    {
        Assert.Contains("0", Assert.Throws<CondenseException>(() => new KMeansOptions(0)).Message);
        Assert.Throws<CondenseException>(() => KMeans1D.Fit(ReadOnlySpan<float>.Empty, new KMeansOptions(2)));
        Assert.Contains("NaN", Assert.Throws<CondenseException>(() => KMeans1D.Fit([1f, float.NaN], new KMeansOptions(2))).Message);
        Assert.Throws<CondenseException>(() => KMeans1D.Fit([1.0], [-1.0], new KMeansOptions(2)));
    }
}
