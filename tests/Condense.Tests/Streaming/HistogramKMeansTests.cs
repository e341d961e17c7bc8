using Condense.Formats;
using Condense.Quantization;
using Condense.Streaming;
using Xunit.Abstractions;

namespace Condense.Tests.Streaming;

/// <summary>
/// 8-bit k-means from a one-pass histogram costs at most 0.5 % more SSE than the exact optimum.
/// The exact optimum comes from an independent dynamic programme (below) over the distinct values;
/// to make it computable on 10^6 and 1.7·10^7 values, the test matrices' values lie on a fixed
/// grid of step 2^-20 (a few hundred thousand distinct values) but are stored as F32, so the
/// histograms under test (the one-pass float32-keyed one the streaming compressor uses, and the
/// uniform 2^16-bin one) know nothing of that grid. (A float16 grid would not do for the keyed
/// histogram: its 10 mantissa bits are coarser than a key's 11, so every key would hold one
/// distinct value and the test would be trivially exact.) Above |x| ≈ 0.004, where nearly all
/// the mass is, a key holds several grid values.
/// </summary>
public class HistogramKMeansTests(ITestOutputHelper output)
{
    const int K = 256;

    /// <summary>Seeded weights: Gaussian (σ 0.02) with 1 in 1000 values 6× larger, or Laplacian; rounded to multiples of 2^-20 (or to float16).</summary>
    static float[] Matrix(int rows, int cols, int seed, bool laplace, bool float16 = false)
    {
        var rng = new Random(seed);
        var v = new float[rows * cols];
        for (var i = 0; i < v.Length; i++)
        {
            double x;
            if (laplace)
            {
                var u = rng.NextDouble() - 0.5;
                x = -0.02 * Math.Sign(u) * Math.Log(1 - 2 * Math.Abs(u));
            }
            else
            {
                x = 0.02 * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                if (rng.Next(1000) == 0) x *= 6;
            }
            v[i] = float16 ? (float)(Half)x : (float)(Math.Round(x * (1 << 20)) / (1 << 20));
        }
        return v;
    }

    /// <summary>The histogram path exactly as the streaming compressor runs it on an F32 tensor (one keyed pass, two workers' partials merged, fit).</summary>
    static double[] HistogramCentroids(float[] values)
    {
        var h = ValueHistogram.Float32Keys();
        var half = values.Length / 2;
        var other = h.CreateEmpty();
        h.Add(values.AsSpan(0, half));
        other.Add(values.AsSpan(half));
        h.Merge(other);
        Assert.Equal(values.Length, h.Count);
        Assert.False(h.HasNonFinite);
        return HistogramKMeans.Fit(h, K).Centroids;
    }

    /// <summary>The uniform-bin path (range pass, histogram pass, fit).</summary>
    static double[] UniformCentroids(float[] values)
    {
        var min = values.Min();
        var max = values.Max();
        var h = ValueHistogram.Uniform(min, max);
        // Two partial histograms merged, as two workers would.
        var half = values.Length / 2;
        var other = h.CreateEmpty();
        h.Add(values.AsSpan(0, half));
        other.Add(values.AsSpan(half));
        h.Merge(other);
        Assert.Equal(values.Length, h.Count);
        return HistogramKMeans.Fit(h, K).Centroids;
    }

    static double ExactOptimum(float[] values)
    {
        var (x, w) = Distinct(values);
        return OptimalSse(x, w, K);
    }

    static (double[] X, double[] W) Distinct(float[] values)
    {
        var sorted = (float[])values.Clone();
        Array.Sort(sorted);
        var x = new List<double>();
        var w = new List<double>();
        foreach (var v in sorted)
        {
            if (x.Count > 0 && x[^1] == v) w[^1]++;
            else { x.Add(v); w.Add(1); }
        }
        return (x.ToArray(), w.ToArray());
    }

    /// <summary>
    /// Minimum weighted SSE of k contiguous clusters over sorted points: D[m][i] = min_j D[m−1][j−1] + cost(j..i),
    /// one layer at a time (O(n) memory), each layer by divide and conquer on the monotone argmin.
    /// </summary>
    internal static double OptimalSse(double[] x, double[] w, int k)
    {
        var n = x.Length;
        if (n <= k) return 0;
        var mean = 0.0; var total = 0.0;
        for (var i = 0; i < n; i++) { mean += w[i] * x[i]; total += w[i]; }
        mean /= total;
        var W = new double[n + 1]; var S1 = new double[n + 1]; var S2 = new double[n + 1];
        for (var i = 0; i < n; i++)
        {
            var d = x[i] - mean;
            W[i + 1] = W[i] + w[i]; S1[i + 1] = S1[i] + w[i] * d; S2[i + 1] = S2[i] + w[i] * d * d;
        }
        double Cost(int j, int i) // points j..i inclusive
        {
            var ww = W[i + 1] - W[j]; var s = S1[i + 1] - S1[j];
            return Math.Max(0, S2[i + 1] - S2[j] - s * s / ww);
        }
        var prev = new double[n];
        for (var i = 0; i < n; i++) prev[i] = Cost(0, i);
        var cur = new double[n];
        for (var m = 1; m < k; m++)
        {
            var layer = m;
            var last = prev;
            void Solve(int lo, int hi, int optLo, int optHi)
            {
                if (lo > hi) return;
                var mid = (lo + hi) >> 1;
                var best = double.PositiveInfinity; var arg = optLo;
                for (var j = Math.Max(optLo, layer); j <= Math.Min(mid, optHi); j++)
                {
                    var v = last[j - 1] + Cost(j, mid);
                    if (v < best) { best = v; arg = j; }
                }
                cur[mid] = best;
                Solve(lo, mid - 1, optLo, arg);
                Solve(mid + 1, hi, arg, optHi);
            }
            Solve(m, n - 1, m, n - 1);
            (prev, cur) = (cur, prev);
        }
        return prev[n - 1];
    }

    void AssertWithinHalfPercent(float[] values, Func<float[], double[]> fit)
    {
        var centroids = fit(values);
        var sse = KMeans1D.Sse(values, centroids);
        var exact = ExactOptimum(values);
        output.WriteLine($"{Distinct(values).X.Length} distinct values");
        Assert.True(exact > 0);
        output.WriteLine($"{values.Length} values: histogram SSE {sse:G6}, exact optimum {exact:G6}, excess {100 * (sse / exact - 1):F4} %");
        Assert.True(sse >= exact * (1 - 1e-9), $"histogram SSE {sse} below the optimum {exact}: the reference is wrong");
        Assert.True(sse <= exact * 1.005, $"histogram SSE {sse} is {100 * (sse / exact - 1):F3} % above the optimum {exact}");
    }

    [Fact]
    public void TheReferenceDpMatchesBruteForceOnATinyCase()
    {
        // 6 points, 2 clusters: every split checked by hand.
        double[] x = [0, 1, 2, 10, 11, 30];
        double[] w = [1, 1, 1, 1, 1, 1];
        var best = double.PositiveInfinity;
        for (var s = 1; s < 6; s++)
        {
            double Sse(IEnumerable<double> p) { var a = p.ToArray(); var m = a.Average(); return a.Sum(v => (v - m) * (v - m)); }
            best = Math.Min(best, Sse(x[..s]) + Sse(x[s..]));
        }
        Assert.Equal(best, OptimalSse(x, w, 2), 9);
        Assert.Equal(0, OptimalSse(x, w, 6));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Within05PercentOfTheOptimumOn1000x1000() => AssertWithinHalfPercent(Matrix(1000, 1000, 1, laplace: false), HistogramCentroids);

    [Fact]
    [Trait("Category", "Slow")]
    public void Within05PercentOfTheOptimumOn4096x4096() => AssertWithinHalfPercent(Matrix(4096, 4096, 2, laplace: true), HistogramCentroids);

    [Fact]
    [Trait("Category", "Slow")]
    public void UniformBinsAreWithin05PercentOfTheOptimumOn1000x1000() => AssertWithinHalfPercent(Matrix(1000, 1000, 1, laplace: false), UniformCentroids);

    [Fact]
    public void KeyedBinsKeepTheirExactMeansAndOrder()
    {
        // 1.0 and 1.0 + 2^-23 share a key (2^-11 wide); −3 and 0.5 have keys of their own; ±0 is one value.
        var h = ValueHistogram.Float32Keys();
        h.Add([1f, BitConverter.Int32BitsToSingle(0x3F80_0001), -3f, 0.5f, 0f, -0f]);
        var (x, w) = h.Points();
        Assert.Equal([-3.0, 0.0, 0.5, 1.0 + Math.ScaleB(1, -24)], x);
        Assert.Equal([1.0, 2, 1, 2], w);
    }

    [Fact]
    public void KeyedHistogramFlagsNaNAndInfinity()
    {
        foreach (var bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var h = ValueHistogram.Float32Keys();
            h.Add([1f, bad]);
            Assert.True(h.HasNonFinite);
        }
        var ok = ValueHistogram.Float32Keys();
        ok.Add([float.MaxValue, -float.MaxValue, float.Epsilon]);
        Assert.False(ok.HasNonFinite);
    }

    [Fact]
    public void WideTensorsAreCoarsenedToAtMost65536PointsKeepingTotals()
    {
        // Values spread log-uniformly over 40 octaves fill far more than 2^16 keys.
        var rng = new Random(5);
        var values = Enumerable.Range(0, 400_000).Select(_ => (float)((rng.Next(2) * 2 - 1) * Math.Pow(2, -30 + 40 * rng.NextDouble()))).ToArray();
        var h = ValueHistogram.Float32Keys();
        h.Add(values);
        var (x, w) = h.Points();
        Assert.True(x.Length <= ValueHistogram.MaxPoints, $"{x.Length} points");
        Assert.True(x.Length > ValueHistogram.MaxPoints / 2);
        Assert.Equal(values.Length, w.Sum());
        Assert.Equal(values.Sum(v => (double)v), x.Zip(w, (a, b) => a * b).Sum(), 6);
        for (var i = 1; i < x.Length; i++) Assert.True(x[i] > x[i - 1]);
    }

    [Fact]
    public void Bf16HistogramIsExact()
    {
        // BF16: the histogram counts bit patterns, so its weighted points are the tensor's distinct values.
        var values = Matrix(300, 300, 3, laplace: false).Select(v => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(v) & unchecked((int)0xFFFF0000))).ToArray();
        var bits = values.Select(v => (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)).ToArray();
        var h = ValueHistogram.Exact16(TensorDType.BF16);
        h.AddBits(bits);
        var (x, w) = h.Points();
        var (dx, dw) = Distinct(values);
        Assert.Equal(dx, x);
        Assert.Equal(dw, w);
        var sse = KMeans1D.Sse(values, HistogramKMeans.Fit(h, K).Centroids);
        Assert.True(sse <= OptimalSse(dx, dw, K) * 1.005);
    }

    [Fact]
    public void UniformBinsKeepTheirMeans()
    {
        var h = ValueHistogram.Uniform(0, 4, bins: 4);
        h.Add([0.1f, 0.3f, 2.5f, 4f]);
        var (x, w) = h.Points();
        Assert.Equal([0.2, 2.5, 4.0], x.Select(v => Math.Round(v, 5)));
        Assert.Equal([2.0, 1, 1], w);
    }

    [Fact]
    public void FewDistinctValuesAreReproducedExactly()
    {
        var values = Enumerable.Range(0, 5000).Select(i => (float)(i % 7) * 0.25f - 0.5f).ToArray();
        var centroids = HistogramCentroids(values);
        Assert.Equal(0, KMeans1D.Sse(values, centroids), 12);
    }

    [Fact]
    public void MergeOrderDoesNotChangeTheHistogram()
    {
        var values = Matrix(100, 100, 4, laplace: true);
        var a = ValueHistogram.Uniform(values.Min(), values.Max());
        var b = a.CreateEmpty();
        var parts = Enumerable.Range(0, 10).Select(i => { var p = a.CreateEmpty(); p.Add(values.AsSpan(i * 1000, 1000)); return p; }).ToList();
        foreach (var p in parts) a.Merge(p);
        foreach (var p in Enumerable.Reverse(parts)) b.Merge(p);
        Assert.Equal(a.Points().Values, b.Points().Values);
    }
}
