using Condense.Data;
using Condense.Models;
using Condense.Models.Cnn;
using Condense.Pruning;
using Condense.Tests.Models.Cnn;
using static TorchSharp.torch;

namespace Condense.Tests.Pruning;

/// <summary>Issue 18: the training-time pruning methods on convolution weights.</summary>
public class ConvPruningTests
{
    [Fact]
    public void WeightLayersAreTheConvolutionsThenTheHead()
    {
        using var net = CnnFactory.Create("lenet5", 0);
        Assert.Equal(["conv1", "conv2", "fc1", "fc2", "fc3"], net.WeightLayers.Select(l => l.Name));
        Assert.Equal([6L, 16, 120, 84, 10], net.WeightLayers.Select(l => l.OutChannels));
        Assert.Equal([16L, 150], net.WeightLayers[1].Matrix.shape);
    }

    [Fact]
    public void MagnitudeMaskOnAKernelHasExactSparsityAndKeepsTheLargest()
    {
        using var conv = nn.Conv2d(2, 3, 3);
        using (no_grad()) conv.weight!.copy_(arange(54, dtype: ScalarType.Float32).reshape(3, 2, 3, 3) - 20);
        using var mask = Prune.L1Unstructured(new MaskSet(), conv, PruningAmount.OfFraction(0.5));
        Assert.Equal(27, mask.count_nonzero().item<long>());
        // |w − 20| for w = 0..53: the 27 smallest are w = 7..33 (|w−20| ≤ 13), 27 values exactly.
        var w = conv.weight!.detach().flatten().data<float>().ToArray();
        for (var i = 0; i < 54; i++) Assert.Equal(i is >= 7 and <= 33 ? 0f : i - 20f, w[i]);
    }

    [Fact]
    public void GlobalMagnitudePrunesConvolutionsWithTheHeadToTheExactCount()
    {
        using var net = CnnFactory.Create("lenet5", 1);
        var outcome = ModelPruner.Apply(net, new ModelPruningOptions { Criterion = PruningCriterion.Global, Sparsity = 0.9 });
        var total = 150 + 2400 + 48000 + 10080 + 840;
        Assert.Equal(total - PruningAmount.OfFraction(0.9).Resolve(total), outcome.Layers.Sum(l => l.Nonzero));
        Assert.Equal(["conv1", "conv2", "fc1", "fc2", "fc3"], outcome.Layers.Select(l => l.Name));
        Assert.Equal(outcome.Layers[0].Nonzero, net.WeightLayers[0].Weight.count_nonzero().item<long>());
        net.Masks.Clear();
    }

    [Fact]
    public void StructuredRemovesTheFiltersOfLowestL1()
    {
        using var net = CnnFactory.Create("lenet5", 2);
        var conv1 = net.WeightLayers[0];
        var norms = conv1.Matrix.detach().abs().sum(1).data<float>().ToArray();
        var expected = norms.Select((v, i) => (v, i)).OrderBy(p => p.v).Take(3).Select(p => p.i).Order().ToArray();
        ModelPruner.Apply(net, new ModelPruningOptions { Criterion = PruningCriterion.Structured, Sparsity = 0.5, Layers = ["conv1"] });
        var rowsAlive = conv1.Matrix.detach().abs().sum(1).data<float>().Select(v => v > 0).ToArray();
        Assert.Equal(expected, Enumerable.Range(0, 6).Where(i => !rowsAlive[i]));
        net.Masks.Clear();
    }

    [Fact]
    public void FineTuningKeepsPrunedConvWeightsAtZero()
    {
        using var net = CnnFactory.Create("lenet5", 3);
        ModelPruner.Apply(net, new ModelPruningOptions { Criterion = PruningCriterion.Random, Sparsity = 0.7, Seed = 3 });
        var before = net.WeightLayers.Select(l => l.Weight.count_nonzero().item<long>()).ToArray();
        var (train, _) = DataSets.Load(DataSets.Mnist10k);
        Prune.FineTune(net, train.Take(128), null, new TrainingOptions { Epochs = 1, BatchSize = 64, LearningRate = 1e-2 });
        Assert.Equal(before, net.WeightLayers.Select(l => l.Weight.count_nonzero().item<long>()));
        net.Masks.Clear();
    }

    [Fact]
    public void SnipScoresOfAConvKernelAreGradientTimesWeight()
    {
        using var net = CnnFactory.Create("lenet5", 4);
        var x = tensor(CnnTestNets.Images(8, 4)).reshape(8, 784);
        var y = tensor(new long[] { 0, 1, 2, 3, 4, 5, 6, 7 });
        var scores = Snip.Scores(net, x, y);
        Assert.Equal(5, scores.Length);
        net.eval();
        net.zero_grad();
        nn.functional.nll_loss(net.forward(x), y).backward();
        var conv2 = net.WeightLayers[1].Weight;
        var expected = (conv2.grad! * conv2.detach()).abs();
        Assert.True(expected.allclose(scores[1], 1e-5, 1e-8));
        Assert.Equal(conv2.shape, scores[1].shape);
    }

    [Theory]
    [InlineData("lenet5", null)]
    [InlineData("vgg", "3,M,4,M,5")]
    public void SynFlowScoresOfEveryLayerSumToR(string name, string? config)
    {
        // Tanaka et al.'s conservation law: in a bias-free, positively homogeneous network each
        // layer's synaptic saliencies sum to R, convolutions (and BN, max pooling) included.
        using var net = CnnTestNets.Randomise(CnnFactory.Create(name, 5, null, config), 5);
        using var synflow = new ConvSynFlow(net);
        var masks = net.WeightLayers.Select(l => ones_like(l.Weight)).ToArray();
        using (no_grad()) masks[0].flatten()[0] = 0;
        var (scores, r) = synflow.Scores(masks);
        Assert.True(r > 0);
        foreach (var s in scores) Assert.Equal(1.0, s.sum().item<double>() / r, 9);
        Assert.Equal(0.0, scores[0].flatten()[0].item<double>());
    }

    [Fact]
    public void SynFlowOnACnnNeverEmptiesALayer()
    {
        using var net = CnnFactory.Create("lenet5", 6);
        var outcome = ModelPruner.Apply(net, new ModelPruningOptions { Criterion = PruningCriterion.SynFlow, Sparsity = 0.99, SynFlowIterations = 20 });
        Assert.Empty(outcome.CollapsedLayers);
        Assert.Equal(0.99, outcome.Sparsity, 3);
        net.Masks.Clear();
    }

    [Fact]
    public void LotteryPrunesConvolutionsAndRewinds()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        CondenseModel? saved = null;
        long[]? nonzero = null;
        var result = LotteryTicket.Run(s => { manual_seed(s); return new LeNet5(Normalization.Mnist); }, train.Take(256), test.Take(200),
            new LotteryOptions { Rounds = 1, Rate = 0.5, RewindEpoch = 0, CompareRandomReinit = false, Training = new TrainingOptions { Epochs = 1, BatchSize = 64 } },
            onTicket: m => { saved = m; nonzero = m.WeightLayers.Select(l => l.Weight.count_nonzero().item<long>()).ToArray(); });
        Assert.NotNull(saved);
        var round = Assert.Single(result.Rounds);
        Assert.Equal(5, round.Layers.Count);
        Assert.Equal(0.5, round.Density, 4);
        Assert.Equal(round.Layers.Select(l => l.Nonzero), nonzero!);
    }
}
