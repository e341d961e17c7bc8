using Condense.LowRank;
using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Tests.LowRank;

public class TruncatedSvdTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(17)]
    public void ErrorsAreTheTailOfTheSpectrumExactly(int rank)
    {
        using var scope = NewDisposeScope();
        var sigma = TestMatrices.Harmonic(40);
        var w = TestMatrices.WithSingularValues(60, 40, sigma);
        using var approx = TruncatedSvd.Compute(w, rank);

        var spectral = sigma[rank] / sigma[0];
        var frobenius = Math.Sqrt(sigma.Skip(rank).Sum(s => s * s) / sigma.Sum(s => s * s));
        // What the algorithm reports…
        Assert.Equal(spectral, approx.RelativeSpectralError!.Value, 10);
        Assert.Equal(frobenius, approx.RelativeFrobeniusError, 10);
        // …and an independent measurement of W − Left·Right.
        var measured = LowRankError.Measure(w, approx);
        Assert.Equal(spectral, measured.Spectral, 10);
        Assert.Equal(frobenius, measured.Frobenius, 10);
        Assert.Equal(rank, approx.Rank);
        Assert.Equal(new long[] { 60, rank }, approx.Left.shape);
        Assert.Equal(new long[] { rank, 40 }, approx.Right.shape);
        Assert.Equal(1 - frobenius * frobenius, approx.EnergyKept, 10);
    }

    [Fact]
    public void FullRankReconstructsTheMatrix()
    {
        using var scope = NewDisposeScope();
        var w = randn(new long[] { 7, 5 }, generator: new Generator(3));
        using var approx = TruncatedSvd.Compute(w, 5);
        Assert.True(allclose(approx.Reconstruct(), w, rtol: 1e-5, atol: 1e-5));
        Assert.Equal(0, approx.RelativeSpectralError);
    }

    [Fact]
    public void FloatInputGivesFloatFactors()
    {
        using var scope = NewDisposeScope();
        var w = randn(new long[] { 9, 6 }, generator: new Generator(3));
        using var approx = TruncatedSvd.Compute(w, 2);
        Assert.Equal(ScalarType.Float32, approx.Left.dtype);
        Assert.Equal(ScalarType.Float32, approx.Right.dtype);
    }

    [Fact]
    public void OneSweepCutsEveryRankFromOneDecomposition()
    {
        using var scope = NewDisposeScope();
        var sigma = new double[] { 4, 3, 2, 1 };
        var w = TestMatrices.WithSingularValues(6, 4, sigma);
        using var svd = TruncatedSvd.Decompose(w);
        Assert.Equal(sigma, svd.SingularValues.Select(s => Math.Round(s, 10)));
        for (int r = 1; r <= 4; r++)
        {
            using var approx = svd.Truncate(RankSelection.Fixed(r));
            Assert.Equal(r < 4 ? sigma[r] / 4 : 0, approx.RelativeSpectralError!.Value, 10);
        }
    }

    [Fact]
    public void SignsAreDeterministicAndLargestEntryPositive()
    {
        using var scope = NewDisposeScope();
        var w = randn(new long[] { 8, 8 }, generator: new Generator(5));
        using var a = TruncatedSvd.Compute(w, 3);
        using var b = TruncatedSvd.Compute(w, 3);
        Assert.Equal(a.Left.data<float>().ToArray(), b.Left.data<float>().ToArray());
        var left = a.Left.data<float>().ToArray();
        for (int c = 0; c < 3; c++)
        {
            var column = Enumerable.Range(0, 8).Select(i => left[i * 3 + c]).ToArray();
            Assert.True(column.MaxBy(Math.Abs) > 0);
        }
    }
}
