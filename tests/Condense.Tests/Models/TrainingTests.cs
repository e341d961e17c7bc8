using Condense.Data;
using Condense.Formats;
using Condense.Models;

namespace Condense.Tests.Models;

public class TrainingTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-train-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static readonly (Dataset Train, Dataset Test) Mnist = DataSets.Load(DataSets.Mnist10k);

    [Fact]
    public void ArchitecturesHaveThePublishedParameterCounts()
    {
        Assert.Equal(784 * 1000 + 1000 + 1000 * 1000 + 1000 + 1000 * 10 + 10, ModelFactory.Create(ModelKind.Classifier, 0).ParameterCount);
        Assert.Equal(2_148_832, ModelFactory.Create(ModelKind.Autoencoder, 0).ParameterCount);
        Assert.Equal(266_610, ModelFactory.Create(ModelKind.LeNet300, 0).ParameterCount);
        Assert.Equal(["fc1", "fc2", "fc3"], ModelFactory.Create(ModelKind.Classifier, 0).Layers.Select(l => l.Name));
    }

    [Fact]
    public void SameSeedTwiceGivesIdenticalSafetensorsBytes()
    {
        var small = Mnist.Train.Take(640);
        byte[] TrainOnce(string name)
        {
            var model = ModelFactory.Create(ModelKind.Classifier, 7);
            var options = new TrainingOptions { Epochs = 2, Seed = 7 };
            var result = Trainer.Train(model, small, null, options);
            var path = Path.Combine(_dir, name);
            ModelFile.Save(path, model, new ModelCard(DataSets.Mnist10k, options));
            return File.ReadAllBytes(path);
        }
        var a = TrainOnce("a.safetensors");
        var b = TrainOnce("b.safetensors");
        Assert.Equal(a, b);
        // A different seed really changes the weights (so the check above can fail).
        var model = ModelFactory.Create(ModelKind.Classifier, 8);
        Trainer.Train(model, small, null, new TrainingOptions { Epochs = 2, Seed = 8 });
        ModelFile.Save(Path.Combine(_dir, "c.safetensors"), model);
        Assert.NotEqual(a.Length > 0 ? ModelFile.Weights(model)[0].Data : [], SafetensorsReader.ReadAll(Path.Combine(_dir, "a.safetensors")).Tensors[0].Data);
    }

    [Fact]
    public void SavedModelReloadsWithTheSameOutputsAndMetadata()
    {
        var model = ModelFactory.Create(ModelKind.LeNet300, 3);
        var options = new TrainingOptions { Epochs = 1, Seed = 3 };
        var result = Trainer.Train(model, Mnist.Train.Take(1000), Mnist.Test.Take(200), options);
        var path = Path.Combine(_dir, "lenet.safetensors");
        ModelFile.Save(path, model, new ModelCard(DataSets.Mnist10k, options, result.Final));
        var (loaded, card) = ModelFile.Load(path);
        Assert.Equal(ModelKind.LeNet300, loaded.Kind);
        Assert.Equal(DataSets.Mnist10k, card.DataSet);
        Assert.Equal(options, card.Training);
        Assert.Equal(result.Final.Accuracy, card.Test!.Accuracy);
        var x = Mnist.Test.Images.AsSpan(0, 784 * 5);
        Assert.Equal(Evaluator.Predict(model, x, 5, 784), Evaluator.Predict(loaded, x, 5, 784));
        Assert.Equal(result.Final.Accuracy, Evaluator.Evaluate(loaded, Mnist.Test.Take(200)).Accuracy);
    }

    [Fact]
    public void L1PenaltyDrivesWeightsTowardsZero()
    {
        double MeanAbs(CondenseModel m) => m.Layers[1].Layer.weight!.abs().mean().item<float>();
        var small = Mnist.Train.Take(1280);
        var plain = ModelFactory.Create(ModelKind.LeNet300, 1);
        Trainer.Train(plain, small, null, new TrainingOptions { Epochs = 2, Seed = 1 });
        var l1 = ModelFactory.Create(ModelKind.LeNet300, 1);
        Trainer.Train(l1, small, null, new TrainingOptions { Epochs = 2, Seed = 1, L1 = 5e-4 });
        Assert.True(MeanAbs(l1) < 0.8 * MeanAbs(plain), $"{MeanAbs(l1)} vs {MeanAbs(plain)}");
    }

    [Fact]
    public void BadSettingsCannotBeBuilt()
    {
        Assert.Equal("epochs must be 1–1000, got 0", Assert.Throws<CondenseException>(() => new TrainingOptions { Epochs = 0 }).Message);
        Assert.Equal("L2 penalty must be non-negative and finite, got -1", Assert.Throws<CondenseException>(() => new TrainingOptions { L2 = -1 }).Message);
    }

    [Fact]
    public void LoadingAFileThatIsNotACondenseModelSaysSo()
    {
        var path = Path.Combine(_dir, "plain.safetensors");
        SafetensorsWriter.Write(path, [NamedTensor.FromFloat32("w", [1f], 1)]);
        Assert.Contains("not a Condense model", Assert.Throws<InvalidFileException>(() => ModelFile.Load(path)).Message);
    }

    [Fact]
    public void NaNWeightsInAModelFileAreRefused()
    {
        var model = ModelFactory.Create(ModelKind.LeNet300, 0);
        var tensors = ModelFile.Weights(model).ToList();
        var bad = tensors[0].ToFloat32();
        bad[3] = float.NaN;
        tensors[0] = NamedTensor.FromFloat32(tensors[0].Name, bad, tensors[0].Shape);
        var path = Path.Combine(_dir, "nan.safetensors");
        SafetensorsWriter.Write(path, tensors, model.Describe());
        Assert.Contains("NaN", Assert.Throws<InvalidFileException>(() => ModelFile.Load(path)).Message);
    }
}

/// <summary>The accuracy bars of the Foundation issue, on the full MNIST-10k splits.</summary>
[Trait("Category", "Slow")]
public class TrainingAcceptanceTests
{
    static readonly (Dataset Train, Dataset Test) Mnist = DataSets.Load(DataSets.Mnist10k);

    [Fact]
    public void ClassifierReaches95Point5PercentIn5Epochs()
    {
        var model = ModelFactory.Create(ModelKind.Classifier, 0);
        var result = Trainer.Train(model, Mnist.Train, Mnist.Test, new TrainingOptions { Epochs = 5, Seed = 0 });
        Assert.True(result.Final.Accuracy >= 0.955, $"accuracy {result.Final.Accuracy:P2}");
    }

    [Fact]
    public void AutoencoderReachesMse0Point018In5Epochs()
    {
        var model = ModelFactory.Create(ModelKind.Autoencoder, 0);
        var result = Trainer.Train(model, Mnist.Train, Mnist.Test, TrainingOptions.For(ModelKind.Autoencoder) with { Epochs = 5 });
        Assert.True(result.Final.Loss <= 0.018, $"MSE {result.Final.Loss:F5}");
    }

    [Fact]
    public void LeNet300100Reaches95PercentIn10Epochs()
    {
        var model = ModelFactory.Create(ModelKind.LeNet300, 0);
        var result = Trainer.Train(model, Mnist.Train, Mnist.Test, new TrainingOptions { Epochs = 10, Seed = 0 });
        Assert.True(result.Final.Accuracy >= 0.95, $"accuracy {result.Final.Accuracy:P2}");
    }
}
