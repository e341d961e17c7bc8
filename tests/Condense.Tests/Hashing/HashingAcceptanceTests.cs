using Condense.Data;
using Condense.Hashing;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Tests.Hashing;

[Trait("Category", "Slow")]
public class HashingAcceptanceTests
{
    [Fact]
    public void AHashedLeNetAt8TimesLearnsMnistEndToEnd()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        manual_seed(0);
        using var model = new HashedMlp([784, 300, 100, 10], new HashingOptions { Factor = 8 });
        Assert.InRange(model.CompressionFactor, 7.5, 8);
        var before = Evaluator.Evaluate(model, test).Accuracy!.Value;
        var result = Trainer.Train(model, train, test, new TrainingOptions { Epochs = 2, Seed = 0 });
        // A pool that received no (or wrong) gradients would stay near chance (~10 %).
        Assert.True(result.Final.Accuracy >= 0.88, $"accuracy {result.Final.Accuracy:P2} (from {before:P2})");
    }
}
