using Condense.LowRank;
using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Tests.LowRank;

public class BadInputTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(7)]
    public void RankOutsideOneToMinDimensionIsRejected(int rank)
    {
        using var scope = NewDisposeScope();
        var w = ones(6, 9);
        var a = Assert.Throws<CondenseException>(() => TruncatedSvd.Compute(w, rank).Dispose());
        var b = Assert.Throws<CondenseException>(() => RandomizedSvd.Compute(w, rank).Dispose());
        Assert.Contains(rank.ToString(System.Globalization.CultureInfo.InvariantCulture), a.Message);
        Assert.Contains(rank.ToString(System.Globalization.CultureInfo.InvariantCulture), b.Message);
        Assert.DoesNotContain('\n', a.Message);
    }

    [Fact]
    public void NonMatrixIsRejected()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<CondenseException>(() => TruncatedSvd.Compute(ones(2, 3, 4), 1).Dispose());
        Assert.Contains("2-D", e.Message);
        Assert.Throws<CondenseException>(() => RandomizedSvd.Compute(ones(5), 1).Dispose());
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void NonFiniteWeightsAreRejected(double bad)
    {
        using var scope = NewDisposeScope();
        var w = ones(4, 4);
        w[1, 2] = tensor((float)bad);
        var e = Assert.Throws<CondenseException>(() => RandomizedSvd.Compute(w, 2).Dispose());
        Assert.Contains("1 NaN or infinite", e.Message);
        Assert.Throws<CondenseException>(() => TruncatedSvd.Compute(w, 2).Dispose());
    }

    [Fact]
    public void BadOptionsAreRejectedWithTheirValue()
    {
        Assert.Contains("-1", Assert.Throws<CondenseException>(() => new RandomizedSvdOptions { Oversamples = -1 }).Message);
        Assert.Throws<CondenseException>(() => new RandomizedSvdOptions { PowerIterations = -2 });
        Assert.Throws<CondenseException>(() => RankSelection.Energy(1.5));
        Assert.Throws<CondenseException>(() => RankSelection.Energy(0));
        Assert.Throws<CondenseException>(() => RankSelection.Tolerance(1));
        Assert.Throws<CondenseException>(() => RankSelection.Fixed(0));
        Assert.Throws<CondenseException>(() => new LowRankLinear(10, 10, 11));
    }
}
