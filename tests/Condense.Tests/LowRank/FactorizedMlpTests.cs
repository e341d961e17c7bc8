using Condense.Data;
using Condense.LowRank;
using Condense.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Tests.LowRank;

public class FactorizedMlpTests
{
    [Fact]
    public void Fc2HasTheParametersOfTheTruncatedLayerAndTrains()
    {
        using var model = FactorizedMlp.ClassifierWithFactorizedFc2(rank: 20, seed: 3);
        // fc1 784·1000 + 1000, fc2 20·(1000 + 1000) + 1000, fc3 1000·10 + 10.
        Assert.Equal(785_000 + 41_000 + 10_010, model.ParameterCount);
        Assert.Equal(41_000, LowRankLinear.ParameterCountFor(1000, 1000, 20, hasBias: true));
        Assert.Equal(new[] { "fc1", "fc2.v", "fc2.u", "fc3" }, model.Layers.Select(l => l.Name));

        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        var result = Trainer.Train(model, train.Take(2000), test.Take(500), new TrainingOptions { Epochs = 1, Seed = 3 });
        Assert.InRange(result.Final.Accuracy!.Value, 0.75, 1.0);
        // The product is a rank-20 matrix.
        using var scope = NewDisposeScope();
        var product = ((LowRankLinear)model.Layer("fc2")).ProductWeight();
        Assert.Equal(20, linalg.matrix_rank(product).item<long>());
    }

    [Fact]
    public void MismatchedRanksAreRejected() =>
        Assert.Throws<CondenseException>(() => new FactorizedMlp([784, 10], [5, 5]));
}
