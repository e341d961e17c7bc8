using Condense.Metrics;

namespace Condense.Tests.Metrics;

public class EffectiveRankTests
{
    [Fact]
    public void FlatSpectrumHasFullEffectiveRank() =>
        Assert.Equal(7, EffectiveRank.FromSingularValues(Enumerable.Repeat(3.0, 7).ToArray()), 12);

    [Fact]
    public void OneDirectionHasEffectiveRankOne() =>
        Assert.Equal(1, EffectiveRank.FromSingularValues(new double[] { 5, 0, 0 }), 12);

    [Fact]
    public void TwoUnequalValuesMatchTheEntropyByHand()
    {
        // p = (0.75, 0.25): H = −0.75 ln 0.75 − 0.25 ln 0.25
        var h = -0.75 * Math.Log(0.75) - 0.25 * Math.Log(0.25);
        Assert.Equal(Math.Exp(h), EffectiveRank.FromSingularValues(new double[] { 3, 1 }), 12);
    }

    [Fact]
    public void BadValuesAreRejected()
    {
        Assert.Throws<CondenseException>(() => EffectiveRank.FromSingularValues(ReadOnlySpan<double>.Empty));
        Assert.Throws<CondenseException>(() => EffectiveRank.FromSingularValues(new[] { 1.0, double.NaN }));
        Assert.Throws<CondenseException>(() => EffectiveRank.FromSingularValues(new[] { 1.0, -1 }));
    }
}
