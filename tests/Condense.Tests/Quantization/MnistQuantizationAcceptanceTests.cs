using Condense.Data;
using Condense.Models;
using Condense.Quantization;
using Condense.Workflows.Quantize;

namespace Condense.Tests.Quantization;

/// <summary>
/// Issue 4's accuracy bars on the Foundation's MNIST classifier (5 epochs, seed 0), without
/// fine-tuning: 5-bit k-means per layer costs ≤ 0.2 points, 8-bit linear per channel ≤ 0.1.
/// </summary>
[Trait("Category", "Slow")]
public sealed class MnistQuantizationAcceptanceTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-quant-mnist-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void KMeans5BitAndLinear8BitPerChannelKeepTheAccuracy()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        var model = ModelFactory.Create(ModelKind.Classifier, 0);
        var options = new TrainingOptions { Epochs = 5, Seed = 0 };
        Trainer.Train(model, train, test, options);
        var path = Path.Combine(_dir, "classifier.safetensors");
        ModelFile.Save(path, model, new ModelCard(DataSets.Mnist10k, options));

        var km = ModelQuantization.Run(new ModelQuantizationRequest(path, new ModelQuantizationOptions(QuantizationMethod.KMeans, 5), 200, Path.Combine(_dir, "km5.safetensors")));
        double before = km.AccuracyBefore!.Value, kmAfter = km.AccuracyAfter!.Value;
        Assert.True(before >= 0.955, $"trained accuracy {before:P2}");
        Assert.True(before - kmAfter <= 0.002, $"k-means 5-bit: {before:P2} → {kmAfter:P2}");
        Assert.Equal(new FileInfo(Path.Combine(_dir, "km5.safetensors")).Length, km.FileBytesAfter);

        var lin = ModelQuantization.Run(new ModelQuantizationRequest(path, new ModelQuantizationOptions(QuantizationMethod.Linear, 8) { Granularity = Granularity.PerChannel },
            200, Path.Combine(_dir, "lin8.safetensors")));
        double linAfter = lin.AccuracyAfter!.Value;
        Assert.True(before - linAfter <= 0.001, $"linear 8-bit per channel: {before:P2} → {linAfter:P2}");
    }
}
