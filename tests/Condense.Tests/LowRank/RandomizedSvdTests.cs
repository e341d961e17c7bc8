using Condense.LowRank;
using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Tests.LowRank;

public class RandomizedSvdTests
{
    [Theory]
    [InlineData(PowerIterationNormalizer.QR, 2)]
    [InlineData(PowerIterationNormalizer.LU, 2)]
    [InlineData(PowerIterationNormalizer.None, 0)] // unnormalised powers σ^(2q+1) would swamp float32
    public void RecoversAnExactlyRankRMatrixToFloatPrecision(PowerIterationNormalizer normalizer, int powerIterations)
    {
        using var scope = NewDisposeScope();
        var sigma = new double[] { 10, 7, 5, 3, 2, 1.5, 1, 0.5 };
        var w = TestMatrices.WithSingularValues(200, 150, sigma, dtype: ScalarType.Float32);
        using var approx = RandomizedSvd.Compute(w, sigma.Length, new RandomizedSvdOptions { Normalizer = normalizer, PowerIterations = powerIterations });
        var errors = LowRankError.Measure(w, approx);
        Assert.True(errors.Spectral < 1e-5, $"spectral error {errors.Spectral}");
        Assert.True(errors.Frobenius < 1e-5, $"Frobenius error {errors.Frobenius}");
        for (int i = 0; i < sigma.Length; i++)
            Assert.Equal(sigma[i], approx.SingularValues[i], 4);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(50)]
    public void OnHarmonicSpectrumErrorIsWithinOneAndAHalfOfOptimal(int rank)
    {
        using var scope = NewDisposeScope();
        var sigma = TestMatrices.Harmonic(400);
        var w = TestMatrices.WithSingularValues(400, 400, sigma, dtype: ScalarType.Float32);
        using var approx = RandomizedSvd.Compute(w, rank, new RandomizedSvdOptions { Oversamples = 10, PowerIterations = 2 });
        var spectral = LowRankError.Measure(w, approx).Spectral;
        var optimal = sigma[rank] / sigma[0];
        Assert.True(spectral >= optimal * (1 - 1e-4), $"error {spectral} below the optimum {optimal}: the measurement is wrong");
        Assert.True(spectral <= 1.5 * optimal, $"error {spectral} > 1.5 × σ_{{r+1}}/σ_1 = {1.5 * optimal}");
        // The cheap Frobenius figure agrees with the measured one.
        Assert.Equal(LowRankError.Measure(w, approx).Frobenius, approx.RelativeFrobeniusError, 3);
    }

    [Fact]
    public void SameSeedGivesTheSameFactorsAndAnotherSeedDifferentOnes()
    {
        using var scope = NewDisposeScope();
        var w = randn(new long[] { 120, 90 }, generator: new Generator(2));
        using var a = RandomizedSvd.Compute(w, 12, new RandomizedSvdOptions { Seed = 7 });
        using var b = RandomizedSvd.Compute(w, 12, new RandomizedSvdOptions { Seed = 7 });
        using var c = RandomizedSvd.Compute(w, 12, new RandomizedSvdOptions { Seed = 8 });
        Assert.Equal(a.Left.data<float>().ToArray(), b.Left.data<float>().ToArray());
        Assert.Equal(a.Right.data<float>().ToArray(), b.Right.data<float>().ToArray());
        Assert.NotEqual(a.Left.data<float>().ToArray(), c.Left.data<float>().ToArray());
    }

    [Fact]
    public void FactorsMatchTheExactSvdOnAClearlySeparatedSpectrum()
    {
        using var scope = NewDisposeScope();
        var sigma = Enumerable.Range(0, 60).Select(i => Math.Pow(0.7, i)).ToArray();
        var w = TestMatrices.WithSingularValues(100, 80, sigma);
        using var exact = TruncatedSvd.Compute(w, 5);
        using var sketch = RandomizedSvd.Compute(w, 5);
        Assert.True(allclose(exact.Left, sketch.Left, rtol: 1e-6, atol: 1e-8));
        Assert.True(allclose(exact.Right, sketch.Right, rtol: 1e-6, atol: 1e-8));
    }

    [Theory]
    [InlineData(0.05, ErrorNorm.Frobenius)]
    [InlineData(0.02, ErrorNorm.Spectral)]
    public void AdaptiveRankMeetsTheToleranceWithTheExactRankOrClose(double tolerance, ErrorNorm norm)
    {
        using var scope = NewDisposeScope();
        var sigma = Enumerable.Range(1, 300).Select(i => Math.Pow(i, -1.5)).ToArray();
        var w = TestMatrices.WithSingularValues(300, 300, sigma);
        var selection = RankSelection.Tolerance(tolerance, norm);
        var exactRank = selection.Choose(sigma);
        using var approx = RandomizedSvd.Compute(w, selection, new RandomizedSvdOptions { InitialRank = 8 });
        var measured = LowRankError.Measure(w, approx);
        // Frobenius targets are certified exactly; spectral ones are judged on the sketch's σ_{r+1}.
        Assert.True((norm == ErrorNorm.Spectral ? measured.Spectral : measured.Frobenius) <= (norm == ErrorNorm.Spectral ? 1.05 : 1) * tolerance);
        Assert.InRange(approx.Rank, exactRank, exactRank + 2);
    }

    [Fact]
    public void EnergySelectionKeepsTheAskedFraction()
    {
        using var scope = NewDisposeScope();
        var sigma = TestMatrices.Harmonic(100);
        var w = TestMatrices.WithSingularValues(100, 100, sigma);
        using var approx = RandomizedSvd.Compute(w, RankSelection.Energy(0.95));
        Assert.True(approx.EnergyKept >= 0.95);
        Assert.InRange(approx.Rank, RankSelection.Energy(0.95).Choose(sigma), RankSelection.Energy(0.95).Choose(sigma) + 1);
    }

    [Fact]
    public void RangeFinderReturnsOrthonormalColumns()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(0);
        var a = randn(new long[] { 50, 40 }, generator: generator);
        var q = RandomizedRangeFinder.Find(a, 15, 2, PowerIterationNormalizer.QR, generator);
        Assert.Equal(new long[] { 50, 15 }, q.shape);
        Assert.True(allclose(q.t().mm(q), eye(15), atol: 1e-5));
    }
}
