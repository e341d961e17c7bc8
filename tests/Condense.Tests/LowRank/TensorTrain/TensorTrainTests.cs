using Condense.LowRank.TensorTrain;
using static TorchSharp.torch;

namespace Condense.Tests.LowRank.TensorTrain;

/// <summary>TT layers: the contraction against a direct sum over ranks, TT-SVD's exactness on a matrix of low TT-rank, the parameter count.</summary>
public class TensorTrainTests
{
    [Fact]
    public void ContractionEqualsTheProductOfCoreSlicesEntryByEntry()
    {
        manual_seed(1);
        var shape = new TensorTrainShape([2, 3], [3, 2], [1, 2, 1]);
        using var g1 = randn(shape.CoreShape(0));
        using var g2 = randn(shape.CoreShape(1));
        using var w = TensorTrainLinear.Contract([g1, g2], shape);
        Assert.Equal(new long[] { 6, 6 }, w.shape);
        var a = g1.data<float>().ToArray();   // [1, 2, 3, 2]
        var b = g2.data<float>().ToArray();   // [2, 3, 2, 1]
        var actual = w.data<float>().ToArray();
        for (var j1 = 0; j1 < 2; j1++)
        for (var j2 = 0; j2 < 3; j2++)
        for (var i1 = 0; i1 < 3; i1++)
        for (var i2 = 0; i2 < 2; i2++)
        {
            double expected = 0;
            for (var r = 0; r < 2; r++) expected += a[(j1 * 3 + i1) * 2 + r] * b[((r * 3 + j2) * 2 + i2)];
            Assert.Equal(expected, actual[(j1 * 3 + j2) * 6 + i1 * 2 + i2], 5);
        }
    }

    [Fact]
    public void TtSvdReproducesAMatrixOfLowTtRankExactly()
    {
        manual_seed(2);
        var shape = new TensorTrainShape([4, 5, 3], [3, 4, 5], [1, 2, 3, 1]);
        var cores = Enumerable.Range(0, 3).Select(k => randn(shape.CoreShape(k))).ToArray();
        using var w = TensorTrainLinear.Contract(cores, shape);
        var found = TensorTrainDecomposition.Decompose(w, shape);
        using var back = TensorTrainLinear.Contract(found, shape);
        var error = (w - back).norm().item<float>() / w.norm().item<float>();
        Assert.True(error < 1e-5, $"relative error {error}");
        // One rank lower cannot be exact.
        var smaller = new TensorTrainShape([4, 5, 3], [3, 4, 5], [1, 2, 2, 1]);
        using var approx = TensorTrainLinear.Contract(TensorTrainDecomposition.Decompose(w, smaller), smaller);
        Assert.True((w - approx).norm().item<float>() / w.norm().item<float>() > 1e-3);
        foreach (var c in cores.Concat(found)) c.Dispose();
    }

    [Fact]
    public void TheClassifiersThousandByThousandLayerAtRankTwelveStores16800Numbers()
    {
        var shape = TensorTrainShape.Uniform(1000, 1000, 3, 12);
        Assert.Equal(new[] { 10, 10, 10 }, shape.OutModes);
        Assert.Equal(100 * 12 + 12 * 100 * 12 + 12 * 100, shape.ParameterCount);
        Assert.True(shape.CompressionFactor >= 50);
        Assert.Equal(shape.ToString(), TensorTrainShape.Parse(shape.ToString()).ToString());
        using var layer = new TensorTrainLinear(shape);
        Assert.Equal(16_800 + 1000, layer.parameters().Sum(p => p.numel()));
        Assert.Throws<CondenseException>(() => new TensorTrainShape([10, 10], [10, 10], [2, 3, 1]));
        Assert.Throws<CondenseException>(() => TensorTrainShape.Uniform(1000, 999, 3, 4));
    }
}
