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
}
