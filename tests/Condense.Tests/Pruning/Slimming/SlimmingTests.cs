using Condense.Formats.Onnx.Cnn;
using Condense.Models;
using Condense.Models.Cnn;
using Condense.Pruning.Slimming;
using Condense.Tests.Models.Cnn;
using static TorchSharp.torch;

namespace Condense.Tests.Pruning.Slimming;

public class SlimmingTests
{
    const string Config = "6,M,8,8,M,10";

    static VggNet Net(long seed) => CnnTestNets.Randomise(new VggNet(Config), seed);

    [Fact]
    public void SlimmingRemovesExactlyTheChannelsAtOrBelowTheGlobalThreshold()
    {
        using var net = Net(1);
        var gammas = net.ConvUnits.Select(u => u.Norm!.weight!.abs().data<float>().ToArray()).ToList();
        var selection = NetworkSlimming.Select(net, 0.5);
        var total = gammas.Sum(g => g.Length);
        Assert.Equal(32, total);
        Assert.Equal(total - total / 2, selection.Kept);   // the 16 smallest of 32 distinct |γ| go
        for (var i = 0; i < gammas.Count; i++)
            for (var c = 0; c < gammas[i].Length; c++)
                Assert.Equal(gammas[i][c] > selection.Threshold, selection.Keep[i].Contains(c));
    }

    [Fact]
    public void TheLayerFloorKeepsEachLayersLargestGammas()
    {
        using var net = Net(6);
        var selection = NetworkSlimming.Select(net, 0.95, minKeep: 0.25);
        for (var i = 0; i < net.ConvUnits.Count; i++)
        {
            var g = net.ConvUnits[i].Norm!.weight!.abs().data<float>().ToArray();
            var floor = (int)Math.Ceiling(0.25 * g.Length);
            Assert.True(selection.Keep[i].Length >= floor);
            var top = Enumerable.Range(0, g.Length).OrderByDescending(c => g[c]).Take(floor);
            Assert.All(top, c => Assert.Contains(c, selection.Keep[i]));
        }
    }

    [Fact]
    public void TheSlimNetworkComputesTheMaskedOriginal()
    {
        using var net = Net(2);
        var selection = NetworkSlimming.Select(net, 0.6);
        using var slim = VggSurgery.Shrink(net, selection.Keep);
        VggSurgery.Mask(net, selection.Keep);
        var x = CnnTestNets.Images(8, 3);
        var diff = CnnTestNets.MaxDifference(Evaluator.Predict(net, x, 8, 784), Evaluator.Predict(slim, x, 8, 784));
        Assert.True(diff < 1e-5, $"slim vs masked: {diff}");
        Assert.True(slim.ParameterCount < net.ParameterCount);
        Assert.True(CnnOnnxExporter.MultiplyAccumulates(slim) < CnnOnnxExporter.MultiplyAccumulates(net));
        Assert.Equal(selection.Keep.Select(k => (long)k.Length), slim.ConvUnits.Select(u => u.Channels));
    }

    [Fact]
    public void BnFusionEqualsTheUnfusedNetwork()
    {
        using var net = Net(3);
        using var fused = BnFusion.Fuse(net);
        Assert.All(fused.ConvUnits, u => Assert.Null(u.Norm));
        var x = CnnTestNets.Images(8, 4);
        var diff = CnnTestNets.MaxDifference(Evaluator.Predict(net, x, 8, 784), Evaluator.Predict(fused, x, 8, 784));
        Assert.True(diff < 1e-5, $"fused vs unfused: {diff}");
        Assert.DoesNotContain(CnnOnnxExporter.Build(fused).Model.Graph.Node, n => n.OpType == "BatchNormalization");
    }

    [Fact]
    public void FilterPruningKeepsTheLargestL1FiltersAtTheAskedFlops()
    {
        using var net = Net(4);
        var selection = FilterPruning.Select(net, 0.5);
        for (var i = 0; i < net.ConvUnits.Count; i++)
        {
            var norms = net.ConvUnits[i].Conv.weight!.abs().flatten(1).sum(1).data<float>().ToArray();
            var kept = selection.Keep[i];
            Assert.Equal((int)Math.Ceiling(norms.Length / 2.0), kept.Length);
            var smallestKept = kept.Min(k => norms[k]);
            Assert.All(Enumerable.Range(0, norms.Length).Where(c => !kept.Contains(c)), c => Assert.True(norms[c] <= smallestKept));
        }
        var target = CnnOnnxExporter.MultiplyAccumulates(net) / 3;
        using var pruned = VggSurgery.Shrink(net, FilterPruning.AtFlops(net, target).Keep);
        var macs = CnnOnnxExporter.MultiplyAccumulates(pruned);
        Assert.InRange(macs, target, target * 1.5);   // channel counts are whole: the MACs move in steps
    }

    [Fact]
    public void SparsityHookAddsLambdaTimesSignOfGamma()
    {
        using var net = Net(5);
        var bn = net.ConvUnits[0].Norm!;
        bn.weight!.grad = zeros_like(bn.weight!);
        NetworkSlimming.SparsityHook(0.01)(net);
        var expected = bn.weight!.detach().sign() * 0.01;
        Assert.True(bn.weight!.grad!.allclose(expected));
    }
}
