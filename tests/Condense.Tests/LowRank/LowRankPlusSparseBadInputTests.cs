using Condense.LowRank;
using static TorchSharp.torch;

namespace Condense.Tests.LowRank;

/// <summary>Every bad rank, budget, matrix or setting of the low-rank + sparse split is one line quoting the value.</summary>
public class LowRankPlusSparseBadInputTests
{
    static CondenseException Fails(Func<Tensor> w, int rank, Func<SparseBudget> budget)
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<CondenseException>(() => LowRankPlusSparse.Compute(w(), rank, budget()).Dispose());
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Theory]
    [InlineData(0, "at least 1, got 0")]
    [InlineData(-2, "got -2")]
    [InlineData(7, "rank 7 exceeds min(m, n) = 6")]
    public void RankOutsideOneToMinDimension(int rank, string message) =>
        Assert.Contains(message, Fails(() => ones(6, 9), rank, () => SparseBudget.OfCount(3)).Message);

    [Fact]
    public void SparseCountOutOfRange()
    {
        Assert.Contains("-1", Assert.Throws<CondenseException>(() => SparseBudget.OfCount(-1)).Message);
        Assert.Contains("54 entries must be smaller than the matrix's 54", Fails(() => ones(6, 9), 1, () => SparseBudget.OfCount(54)).Message);
        Assert.Contains("smaller than the matrix's 4", Fails(() => ones(2, 2), 1, () => SparseBudget.OfFraction(0.9)).Message); // rounds to 4 of 4
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void SparseFractionOutsideZeroToOne(double fraction)
    {
        var e = Assert.Throws<CondenseException>(() => SparseBudget.OfFraction(fraction));
        Assert.Contains(fraction.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }

    [Fact]
    public void NonMatrixAndEmptyMatrix()
    {
        Assert.Contains("2-D", Fails(() => ones(2, 3, 4), 1, () => SparseBudget.None).Message);
        Assert.Contains("2-D", Fails(() => ones(5), 1, () => SparseBudget.None).Message);
        Assert.Contains("empty", Fails(() => ones(0, 3), 1, () => SparseBudget.None).Message);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    public void NonFiniteWeights(double bad)
    {
        var e = Fails(() => { var w = ones(4, 4); w[1, 2] = tensor((float)bad); return w; }, 2, () => SparseBudget.OfCount(1));
        Assert.Contains("1 NaN or infinite", e.Message);
    }

    [Fact]
    public void BadSettings()
    {
        Assert.Contains("0", Assert.Throws<CondenseException>(() => new LowRankPlusSparseOptions { Tolerance = 0 }).Message);
        Assert.Contains("1.5", Assert.Throws<CondenseException>(() => new LowRankPlusSparseOptions { Tolerance = 1.5 }).Message);
        Assert.Contains("got 0", Assert.Throws<CondenseException>(() => new LowRankPlusSparseOptions { MaxIterations = 0 }).Message);
    }
}
