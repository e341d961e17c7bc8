using Condense.Data;
using Condense.DeepCompression;
using Condense.Models;

namespace Condense.Tests.DeepCompression;

/// <summary>Deep Compression's LeNet-300-100 result on MNIST-10k: ≥ 40× (container vs float32) within 0.3 points of dense.</summary>
[Trait("Category", "Slow")]
public class DeepCompressionAcceptanceTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-deep-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void LeNet300100Reaches40TimesWithinAThirdOfAPoint()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        using var model = ModelFactory.Create(ModelKind.LeNet300, 0);
        Trainer.Train(model, train, null, new TrainingOptions { Epochs = 10, Seed = 0 });
        var result = DeepCompressionPipeline.Run(model, train, test, new DeepCompressionOptions());
        Assert.True(result.Verified);
        Assert.Equal(["dense", "pruned", "shared", "huffman"], result.Stages.Select(s => s.Stage));
        Assert.True(result.Final.TimesSmaller >= 40, $"{result.Final.TimesSmaller:F1}× smaller");
        Assert.True(result.Dense.Accuracy - result.Final.Accuracy <= 0.003, $"{result.Dense.Accuracy:P2} → {result.Final.Accuracy:P2}");
        // Each stage is smaller than the one before.
        for (var i = 1; i < result.Stages.Count; i++) Assert.True(result.Stages[i].Bytes < result.Stages[i - 1].Bytes);
        // The written container reads back to the model's weights.
        var path = Path.Combine(_dir, "lenet.cdz");
        CompressedContainer.Write(path, model.Describe(), result.Encoded);
        var (metadata, layers) = CompressedContainer.Read(path);
        Assert.Equal("LeNet300", metadata["architecture"]);
        for (var l = 0; l < layers.Count; l++)
            Assert.Equal(model.Layers[l].Layer.weight!.detach().contiguous().data<float>().ToArray(), layers[l].DecodeWeights());
    }
}
