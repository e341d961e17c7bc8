using Condense.Calibration;

namespace Condense.Tests.Calibration;

public class SourceSplitTests
{
    [Theory]
    [InlineData(14, 256, 0.25, 4)]
    [InlineData(2, 256, 0.25, 1)]
    [InlineData(1, 256, 0.25, 0)]
    [InlineData(400, 100, 0.25, 25)]
    [InlineData(10, 10, 0, 0)]
    public void Split_is_deterministic_disjoint_and_sized(int sources, int count, double fraction, int held)
    {
        var a = SourceSplit.Make(sources, count, fraction, seed: 3);
        var b = SourceSplit.Make(sources, count, fraction, seed: 3);
        Assert.Equal(a.Calibration, b.Calibration);
        Assert.Equal(a.HeldOut, b.HeldOut);
        Assert.Equal(held, a.HeldOut.Length);
        Assert.Equal(Math.Min(sources, count), a.Calibration.Length + a.HeldOut.Length);
        Assert.Empty(a.Calibration.Intersect(a.HeldOut));
        Assert.All(a.Calibration.Concat(a.HeldOut), i => Assert.InRange(i, 0, sources - 1));
        Assert.Equal(a.Calibration.Order(), a.Calibration);
    }

    [Fact]
    public void Another_seed_holds_out_other_sources()
    {
        var a = SourceSplit.Make(100, 100, 0.25, 0);
        var b = SourceSplit.Make(100, 100, 0.25, 1);
        Assert.NotEqual(a.HeldOut, b.HeldOut);
    }
}
