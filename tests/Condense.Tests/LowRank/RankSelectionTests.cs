using Condense.LowRank;

namespace Condense.Tests.LowRank;

public class RankSelectionTests
{
    // σ = 4, 3, 2, 1: energies 16, 9, 4, 1 of 30.
    static readonly double[] Sigma = { 4, 3, 2, 1 };

    [Theory]
    [InlineData(0.5, 1)]        // 16/30 = 0.533
    [InlineData(0.6, 2)]        // 25/30 = 0.833
    [InlineData(0.9, 3)]        // 29/30
    [InlineData(1.0, 4)]
    public void EnergyPicksTheSmallestRankKeepingTheFraction(double fraction, int rank) =>
        Assert.Equal(rank, RankSelection.Energy(fraction).Choose(Sigma));

    [Theory]
    [InlineData(0.76, ErrorNorm.Spectral, 1)]   // σ2/σ1 = 0.75
    [InlineData(0.74, ErrorNorm.Spectral, 2)]
    [InlineData(0.25, ErrorNorm.Spectral, 3)]   // σ4/σ1 = 0.25 exactly
    [InlineData(0.42, ErrorNorm.Frobenius, 2)]  // √(5/30) = 0.408
    [InlineData(0.40, ErrorNorm.Frobenius, 3)]  // √(1/30) = 0.183
    public void ToleranceIsMetByTheSmallestRank(double tolerance, ErrorNorm norm, int rank) =>
        Assert.Equal(rank, RankSelection.Tolerance(tolerance, norm).Choose(Sigma));

    [Fact]
    public void FixedRankBeyondTheSpectrumIsRejected() =>
        Assert.Throws<CondenseException>(() => RankSelection.Fixed(5).Choose(Sigma));
}
