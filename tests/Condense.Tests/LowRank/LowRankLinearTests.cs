using Condense.LowRank;
using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Tests.LowRank;

public class LowRankLinearTests
{
    [Fact]
    public void ParameterCountAndBreakEven()
    {
        Assert.Equal(500.0, LowRankLinear.BreakEvenRank(1000, 1000));
        Assert.Equal(100 * 2000 + 1000, LowRankLinear.ParameterCountFor(1000, 1000, 100, hasBias: true));
        Assert.True(LowRankLinear.Compresses(1000, 1000, 499));
        Assert.False(LowRankLinear.Compresses(1000, 1000, 500));
        Assert.Null(LowRankLinear.CompressionNote(1000, 1000, 499));
        Assert.Contains("does not compress", LowRankLinear.CompressionNote(1000, 784, 440));
        // 1000×784: mn/(m+n) = 439.5
        Assert.True(LowRankLinear.Compresses(1000, 784, 439));
        Assert.False(LowRankLinear.Compresses(1000, 784, 440));
    }

    [Fact]
    public void FullRankPairComputesWhatTheLayerComputed()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var layer = nn.Linear(12, 9);
        var pair = LowRankLinear.FromLinear(layer, RankSelection.Fixed(9));
        var x = randn(5, 12);
        Assert.True(allclose(layer.forward(x), pair.forward(x), atol: 1e-5));
        Assert.Equal(9 * (12 + 9) + 9, pair.ParameterCount);
        Assert.Equal(pair.ParameterCount, pair.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void LowRankPairComputesTheTruncatedProduct()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var layer = nn.Linear(20, 16);
        using var approx = TruncatedSvd.Compute(layer.weight!.detach(), 4);
        var pair = LowRankLinear.FromLinear(layer, approx);
        var x = randn(3, 20);
        var expected = x.mm(approx.Reconstruct().t()) + layer.bias!;
        Assert.True(allclose(pair.forward(x), expected, atol: 1e-5));
        Assert.True(allclose(pair.ProductWeight(), approx.Reconstruct(), atol: 1e-6));
    }

    [Fact]
    public void MismatchedFactorsAreRejected()
    {
        using var scope = NewDisposeScope();
        var layer = nn.Linear(20, 16);
        using var approx = TruncatedSvd.Compute(randn(10, 10), 2);
        Assert.Throws<CondenseException>(() => LowRankLinear.FromLinear(layer, approx));
    }
}
