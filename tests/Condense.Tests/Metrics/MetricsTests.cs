using Condense.Metrics;
using Condense.Quantization;

namespace Condense.Tests.Metrics;

public class MetricsTests
{
    [Fact]
    public void InducedOneNormIsTheLargestColumnSum()
    {
        // [[1, -2], [3, 4]]: column sums 4 and 6.
        Assert.Equal(6, MatrixNorms.InducedOneNorm([1, -2, 3, 4], 2, 2));
        Assert.Equal(0.5, MatrixNorms.RelativeOneNormError([1, -2, 3, 4], [1, -2, 3, 1], 2, 2));
    }

    [Fact]
    public void ElementWiseErrorsAndSqnr()
    {
        float[] w = [1, 2, 3, 4], q = [1, 2.5f, 3, 3];
        Assert.Equal(0.375, ErrorMetrics.MeanAbsoluteError(w, q));
        Assert.Equal(1, ErrorMetrics.MaxAbsoluteError(w, q));
        Assert.Equal(10 * Math.Log10(30 / 1.25), ErrorMetrics.Sqnr(w, q), 10);
        Assert.Equal([0f, 0.5f, 0f, 1f], ErrorMetrics.AbsoluteError(w, q));
    }

    [Fact]
    public void Cond1OfADiagonalMatrixIsMaxOverMin()
    {
        var d = new float[] { 2, -0.5f, 8, 1 };
        var a = new float[16];
        for (int i = 0; i < 4; i++) a[i * 5] = d[i];
        Assert.Equal(8 / 0.5, ConditionNumber.OneNorm(a, 4, 4), 9);
        // Non-square (pinv): [[2, 0, 0], [0, 4, 0]] → ‖A‖₁ = 4, ‖A⁺‖₁ = 0.5.
        Assert.Equal(2, ConditionNumber.OneNorm([2, 0, 0, 0, 4, 0], 2, 3), 9);
    }

    // One SVD for cond₁ and the singular values (analysis) gives what pinv and svdvals give apart,
    // for wide, tall, square and rank-deficient matrices.
    [Theory]
    [InlineData(40, 90, false)] [InlineData(90, 40, false)] [InlineData(30, 30, false)] [InlineData(40, 90, true)]
    public void Cond1AndSingularValuesFromOneSvdMatchTheSeparateOnes(int rows, int columns, bool rankDeficient)
    {
        var rng = new Random(rows * 1000 + columns);
        var w = Enumerable.Range(0, rows * columns).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        if (rankDeficient) w.AsSpan(0, columns).CopyTo(w.AsSpan(columns, columns)); // two equal rows
        var (cond1, singular) = ConditionNumber.OneNormAndSingularValues(w, rows, columns);
        var expected = ConditionNumber.OneNorm(w, rows, columns);
        Assert.Equal(expected, cond1, expected * 1e-9);
        var values = EffectiveRank.SingularValues(w, rows, columns);
        Assert.Equal(values.Length, singular.Length);
        for (int i = 0; i < values.Length; i++) Assert.Equal(values[i], singular[i], values[0] * 1e-12);
        Assert.Equal(EffectiveRank.Compute(w, rows, columns), EffectiveRank.FromSingularValues(singular), 1e-9);
    }

    // The Gram path (σ from the eigenvalues of the short side's Gram matrix, W⁺ = Wᵀ G⁻¹) agrees with the SVD to
    // ~1e-8 relative while σ_min ≥ 1e-4·σ₁ (here σ spread over three decades); below that it declines, and the SVD is used.
    [Theory]
    [InlineData(30, 70, 1e3, true)] [InlineData(70, 30, 1e3, true)] [InlineData(30, 70, 1e6, false)]
    public void Cond1AndSingularValuesFromTheGramMatrixMatchTheSvd(int rows, int columns, double spread, bool usesGram)
    {
        int m = Math.Min(rows, columns);
        var rng = new Random(rows + columns);
        // W = Q₁ diag(σ) Q₂ with σ from 1 down to 1/spread, Q orthonormal (QR of random Gaussian-ish matrices).
        using var scope = TorchSharp.torch.NewDisposeScope();
        var (q1, _) = TorchSharp.torch.linalg.qr(TorchSharp.torch.tensor(Enumerable.Range(0, rows * m).Select(_ => rng.NextDouble() - 0.5).ToArray(), new long[] { rows, m }));
        var (q2, _) = TorchSharp.torch.linalg.qr(TorchSharp.torch.tensor(Enumerable.Range(0, columns * m).Select(_ => rng.NextDouble() - 0.5).ToArray(), new long[] { columns, m }));
        var sigma = TorchSharp.torch.tensor(Enumerable.Range(0, m).Select(i => Math.Pow(spread, -i / (m - 1.0))).ToArray());
        var a = (q1 * sigma.unsqueeze(0)).mm(q2.t());
        var w = a.to_type(TorchSharp.torch.ScalarType.Float32).data<float>().ToArray();
        var a64 = TorchSharp.torch.tensor(w.Select(v => (double)v).ToArray(), new long[] { rows, columns });
        var gram = ConditionNumber.FromGram(a64, rows, columns);
        Assert.Equal(usesGram, gram is not null);
        var (cond1, singular) = ConditionNumber.OneNormAndSingularValues(w, rows, columns);
        var expected = ConditionNumber.OneNorm(w, rows, columns);
        Assert.Equal(expected, cond1, expected * (usesGram ? 1e-8 : 1e-9));
        var values = EffectiveRank.SingularValues(w, rows, columns);
        for (int i = 0; i < values.Length; i++) Assert.Equal(values[i], singular[i], values[i] * (usesGram ? 1e-8 : 1e-6) + values[0] * 1e-13);
    }

    [Theory]
    [InlineData(0, 4)] [InlineData(1, 3)] [InlineData(2, 8)] [InlineData(3, 2)]
    public void MeasuredOutputErrorNeverExceedsTheCond1Bound(int seed, int bits)
    {
        int n = 60;
        var w = WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.Normal, n, n, 0.05, seed));
        var q = new WeightSharingQuantizer(new WeightSharingOptions(bits)).Quantize(w, [n, n]).Reconstruct();
        var x = WeightGenerator.StandardNormal(n * 200, seed + 100).Select(v => (float)v).ToArray();
        var m = LayerMetrics.Compute("w", w, q, n, n, x);
        Assert.True(m.MeasuredMax <= m.Bound, $"measured {m.MeasuredMax} > bound {m.Bound}");
        Assert.True(m.MeasuredMean <= m.MeasuredMax);
        Assert.True(m.Cond1 >= 1);
    }

    [Fact]
    public void EffectiveRankOfIdentityIsNAndOfRankOneIsOne()
    {
        int n = 12;
        var eye = new float[n * n];
        for (int i = 0; i < n; i++) eye[i * n + i] = 1;
        Assert.Equal(n, EffectiveRank.Compute(eye, n, n), 9);
        var u = Enumerable.Range(1, n).Select(i => (float)i).ToArray();
        var v = Enumerable.Range(1, 7).Select(i => (float)(0.5 * i)).ToArray();
        var r1 = new float[n * 7];
        for (int i = 0; i < n; i++) for (int j = 0; j < 7; j++) r1[i * 7 + j] = u[i] * v[j];
        Assert.Equal(1, EffectiveRank.Compute(r1, n, 7), 5);
        Assert.Equal(1, EffectiveRank.FromSingularValues([3, 0, 0]));
        Assert.Equal(2, EffectiveRank.FromSingularValues([1, 1]), 12);
    }

    [Fact]
    public void HistogramKlIsZeroForIdenticalAndPositiveForQuantized()
    {
        var w = WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.Laplace, 50, 50));
        Assert.Equal(0, HistogramDivergence.KlDivergence(w, w), 9);
        var q = new WeightSharingQuantizer(new WeightSharingOptions(2)).Quantize(w, [50, 50]).Reconstruct();
        Assert.True(HistogramDivergence.KlDivergence(w, q) > 0.5);
    }

    [Theory]
    [InlineData(WeightDistribution.Normal)] [InlineData(WeightDistribution.Uniform)] [InlineData(WeightDistribution.Laplace)]
    public void GeneratorsAreSeededAndHaveTheRequestedScale(WeightDistribution d)
    {
        var o = new WeightGeneratorOptions(d, 200, 300, 0.05, 42);
        var a = WeightGenerator.Generate(o);
        Assert.Equal(a, WeightGenerator.Generate(o));
        Assert.NotEqual(a, WeightGenerator.Generate(new WeightGeneratorOptions(d, 200, 300, 0.05, 43)));
        double mean = a.Average(v => (double)v), std = Math.Sqrt(a.Average(v => (double)v * v) - mean * mean);
        Assert.InRange(std, 0.048, 0.052);
    }

    [Fact]
    public void LowRankSparseAndSpikedLookLikeTheirNames()
    {
        var lr = WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.LowRank, 40, 30) { Rank = 3 });
        var s = EffectiveRank.SingularValues(lr, 40, 30);
        Assert.True(s[3] < 1e-5 * s[0]);
        var sp = WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.Sparse, 100, 100) { Sparsity = 0.8 });
        Assert.InRange(sp.Count(v => v == 0) / 10000.0, 0.77, 0.83);
        var sk = WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.Spiked, 100, 100) { SpikeMagnitude = 40 });
        Assert.Equal(2.0, sk.Max(Math.Abs), 6);
    }
}
