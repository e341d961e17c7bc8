using Condense.Hashing;
using Condense.LowRank;

namespace Condense.Tests.Hashing;

public class EqualSizeLowRankTests
{
    [Theory]
    [InlineData(30_042, 5, new[] { 6, 6, 5 })]       // the 64× hashed classifier's real parameters
    [InlineData(226_260, 56, new[] { 57, 56, -1 })]  // the 8× one (-1: dense)
    public void TheLargestCommonRankThatFitsTheBudgetThenTheRemainderLayerByLayer(long budget, int common, int[] expected)
    {
        int[] sizes = [784, 1000, 1000, 10];
        Assert.True(EqualSizeLowRank.ParameterCount(sizes, EqualSizeLowRank.RanksFor(sizes, common)) <= budget);
        Assert.True(EqualSizeLowRank.ParameterCount(sizes, EqualSizeLowRank.RanksFor(sizes, common + 1)) > budget);
        var ranks = EqualSizeLowRank.Ranks(sizes, budget);
        Assert.Equal(expected.Select(r => r < 0 ? (int?)null : r), ranks);
        var count = EqualSizeLowRank.ParameterCount(sizes, ranks);
        Assert.True(count <= budget);
        // No single layer could take one more rank within the budget.
        for (var i = 0; i < ranks.Length; i++)
        {
            if (ranks[i] is not { } r || (r + 1) * (sizes[i] + sizes[i + 1]) >= sizes[i] * sizes[i + 1]) continue;
            var more = ranks.ToArray();
            more[i] = r + 1;
            Assert.True(EqualSizeLowRank.ParameterCount(sizes, more) > budget);
        }
    }

    [Fact]
    public void TheOutputLayerStaysDenseOnceFactorsWouldNotBeSmaller()
    {
        // 1000 → 10: rank r costs r·1010 against 10,000 dense weights; r = 9 saves, r = 10 does not.
        Assert.Equal(9, EqualSizeLowRank.RanksFor([784, 1000, 1000, 10], 9)[2]);
        Assert.Null(EqualSizeLowRank.RanksFor([784, 1000, 1000, 10], 10)[2]);
    }

    [Fact]
    public void TheCountIsTheFactorisedModelsOwn()
    {
        int[] sizes = [784, 1000, 1000, 10];
        var ranks = EqualSizeLowRank.Ranks(sizes, 30_042);
        using var model = new FactorizedMlp(sizes, ranks, 0.2);
        Assert.Equal(model.ParameterCount, EqualSizeLowRank.ParameterCount(sizes, ranks));
        Assert.Equal(2_010 + 6 * 1_784 + 6 * 2_000 + 5 * 1_010, model.ParameterCount);
    }

    [Fact]
    public void ABudgetBelowRankOneIsAOneLineError() =>
        Assert.Contains("rank 1 already needs", Assert.Throws<CondenseException>(() => EqualSizeLowRank.Ranks([784, 1000, 1000, 10], 1_000)).Message);
}
