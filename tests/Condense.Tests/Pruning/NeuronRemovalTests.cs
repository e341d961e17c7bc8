using Condense.Data;
using Condense.Models;
using Condense.Pruning;
using static TorchSharp.torch;

namespace Condense.Tests.Pruning;

public class NeuronRemovalTests
{
    [Fact]
    public void RemovingPrunedNeuronsGivesASmallerModelWithTheSameOutputs()
    {
        var (_, test) = DataSets.Load(DataSets.Mnist10k);
        var model = ModelFactory.Create(ModelKind.LeNet300, 2);
        using (no_grad()) foreach (var (_, l) in model.Layers) l.bias!.add_(0.05f); // nonzero biases: pruned neurons still emit ReLU(b)
        ModelPruner.Apply(model, new ModelPruningOptions { Criterion = PruningCriterion.Structured, Sparsity = 0.5 });
        var (small, kept) = NeuronRemoval.Compact(model);
        Assert.Equal([784, 150, 50, 10], small.Sizes);
        Assert.Equal([150, 50], kept.Select(k => k.Length));
        Assert.True(small.ParameterCount < model.ParameterCount / 2);
        var x = test.Images.AsSpan(0, 100 * 784);
        var a = Evaluator.Predict(model, x, 100, 784);
        var b = Evaluator.Predict(small, x, 100, 784);
        Assert.Equal(a.Length, b.Length);
        for (var i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) < 1e-5, $"output {i}: {a[i]} vs {b[i]}");
    }

    [Fact]
    public void StructuredPruningAlwaysLeavesAHiddenLayerOneNeuron()
    {
        var model = ModelFactory.Create(ModelKind.LeNet300, 0);
        ModelPruner.Apply(model, new ModelPruningOptions { Criterion = PruningCriterion.Structured, Sparsity = 0.999 });
        var (small, _) = NeuronRemoval.Compact(model);
        Assert.Equal([784, 1, 1, 10], small.Sizes);
    }

    [Fact]
    public void RetrainingDropoutFollowsHanEtAlAndTheCopyKeepsWeightsAndMasks()
    {
        Assert.Equal(0.5 * Math.Sqrt(0.05), RetrainingDropout.For(0.5, 0.05), 12);
        var model = ModelFactory.Create(ModelKind.Classifier, 0);
        ModelPruner.Apply(model, new ModelPruningOptions { Criterion = PruningCriterion.Global, Sparsity = 0.9 });
        var copy = RetrainingDropout.WithDropout(model, 0.1);
        Assert.Equal(0.1, copy.Dropout);
        Assert.Equal(ModelFile.Weights(model).Select(t => t.Data), ModelFile.Weights(copy).Select(t => t.Data));
        Assert.All(copy.Layers, l => Assert.True(copy.Masks.Contains(l.Layer)));
    }
}
