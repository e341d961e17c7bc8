using Condense.Data;
using Condense.Formats;
using Condense.Formats.Onnx;
using Condense.Formats.Onnx.Cnn;
using Condense.Hashing;
using Condense.Models;
using Condense.Models.Cnn;
using Condense.Workflows;
using Google.Protobuf;
using static TorchSharp.torch;

namespace Condense.Tests.Hashing;

/// <summary>HashedNets on CNNs: the virtual kernels, the parameter count, training, ONNX Runtime and the file round trip.</summary>
public sealed class HashedCnnTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hashedcnn").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    static HashedCnn LeNet(HashingOptions options, int seed = 1) => new(CnnFactory.Create("lenet5", seed, DataSets.Mnist10k), options);

    [Fact]
    public void EveryVirtualWeightIsItsPoolEntryTimesItsSign()
    {
        using var model = LeNet(new HashingOptions { Factor = 8, Seed = 7 });
        // conv2 (layer 1, 16 × 6 × 5 × 5) and fc1 (layer 2, 120 × 400), recomputed from WeightHash alone.
        (int Layer, long[] At)[] probes = [(1, [0, 0, 0, 0]), (1, [15, 5, 4, 4]), (1, [7, 3, 2, 1]), (2, [0, 0]), (2, [119, 399]), (2, [60, 123])];
        foreach (var (layer, at) in probes)
        {
            using var w = model.VirtualWeight(layer);
            var pool = model.HashedLayers[layer].PoolSize;
            Assert.Equal((long)Math.Ceiling(w.numel() / 8.0), pool);
            var row = (int)at[0];
            var column = at.Length == 2 ? (int)at[1] : (int)(at[1] * 25 + at[2] * 5 + at[3]);
            var hash = new WeightHash(WeightHash.SeedFor(7, layer, 0), (int)pool);
            var (_, _, poolTensor, _) = model.Tables(layer);
            var expected = poolTensor[hash.Bucket(row, column)].item<float>() * hash.Sign(row, column);
            Assert.Equal(expected, w[at].item<float>());
        }
    }

    [Fact]
    public void RealParametersArePoolsOfNumelOverFactorPlusBiasesAndBatchNorm()
    {
        using var lenet = LeNet(new HashingOptions { Factor = 8 });
        // ⌈150/8⌉ + ⌈2400/8⌉ + ⌈48000/8⌉ + ⌈10080/8⌉ + ⌈840/8⌉ pools, 6 + 16 + 120 + 84 + 10 biases.
        Assert.Equal(19 + 300 + 6000 + 1260 + 105 + 236, lenet.RealParameterCount);
        Assert.Equal(61_706, lenet.VirtualParameterCount);

        manual_seed(2);
        using var vgg = new HashedCnn(new VggNet("4,M,8,M", true, Normalization.Mnist), new HashingOptions { Factor = 10, Hashes = 2, SeparateBuckets = true });
        long expected = 0;
        foreach (var (name, shape, pool) in vgg.HashedLayers)
        {
            var numel = shape.Aggregate(1L, (a, d) => a * d);
            var k = (long)Math.Ceiling(numel / 10.0);
            Assert.Equal((k + 1) / 2 * 2, pool);   // two separate buckets: a multiple of 2
            expected += pool;
        }
        // BN-convs have no bias; each BN has γ and β; the Linear head keeps its biases.
        expected += vgg.Net.ConvUnits.Sum(u => 2 * u.Channels) + vgg.Net.Layers.Sum(l => l.Layer.bias!.numel());
        Assert.Equal(expected, vgg.RealParameterCount);
    }

    [Fact]
    public void TrainedHashedLeNetRunsInOnnxRuntimeAndRoundTripsThroughItsFile()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        var probe = test.Take(200);
        using var model = LeNet(new HashingOptions { Factor = 8, Seed = 3 });
        var denseBefore = model.Net.Layers[0].Layer.weight!.clone();
        Trainer.Train(model, train.Take(400), null, TrainingOptions.For(ModelKind.Classifier) with { Epochs = 1, Seed = 3 });
        Assert.True(denseBefore.equal(model.Net.Layers[0].Layer.weight!).all().item<bool>(), "the frozen dense weights must not train");
        var accuracy = Evaluator.Evaluate(model, probe).Accuracy!.Value;
        Assert.True(accuracy > 0.3, $"one epoch on 400 images should learn something, got {accuracy:P1}");

        var export = HashedCnnOnnxExporter.Build(model, DataSets.Mnist10k);
        var initializers = export.Model.Graph.Initializer.Select(t => t.Name).ToHashSet();
        Assert.Contains("conv1.pool", initializers);
        Assert.DoesNotContain("conv1.weight", initializers);
        Assert.DoesNotContain("fc1.weight", initializers);
        Assert.Equal(5, export.Model.Graph.Node.Count(n => n.OpType == "Gather"));
        using var runner = new OnnxRuntimeRunner(export.Model.ToByteArray(), "hashed-lenet5.onnx");
        var ort = OnnxTensorData.ToFloat32(runner.Run([OnnxTensorData.FromFloat32("input", probe.Images, [probe.Count, 784])])[0]);
        var torch = Evaluator.Predict(model, probe.Images, probe.Count, 784);
        int Correct(float[] y) => Enumerable.Range(0, probe.Count).Count(i => ArgMax(y, i) == probe.Labels[i]);
        Assert.InRange(Correct(ort) - Correct(torch), -1, 1);
        Assert.True(Enumerable.Range(0, probe.Count).Count(i => ArgMax(ort, i) != ArgMax(torch, i)) <= 1);

        var path = Path.Combine(_dir, "h.safetensors");
        ModelFiles.Save(path, model, new ModelCard(DataSets.Mnist10k));
        using (var reader = SafetensorsReader.Open(path))
            Assert.Equal(HashedCnn.ArchitectureName, reader.Metadata["architecture"]);
        using var loaded = Assert.IsType<HashedCnn>(ModelFiles.LoadCondenseModel(path));
        var again = Evaluator.Predict(loaded, probe.Images, probe.Count, 784);
        Assert.Equal(torch, again);
    }

    [Theory]
    [InlineData(2, HashReduction.Product, true)]
    [InlineData(3, HashReduction.Sum, false)]
    public void MultiHashedLeNetRunsInOnnxRuntimeWithTorchSharpsOutputs(int m, HashReduction reduction, bool separate)
    {
        using var model = LeNet(new HashingOptions { Factor = 16, Hashes = m, Reduction = reduction, SeparateBuckets = separate, Seed = 5 });
        model.eval();
        var random = new Random(2);
        var x = Enumerable.Range(0, 4 * 784).Select(_ => (float)random.NextDouble()).ToArray();
        var export = HashedCnnOnnxExporter.Build(model);
        Assert.True(CnnOnnxExporter.Verify(model.Net, export.Model, x, 4, 1e-4) <= 1e-4);
    }

    [Theory]
    [InlineData("vgg")]
    [InlineData("resnet")]
    public void HashedVggAndResNetRunInOnnxRuntimeWithTorchSharpsOutputs(string name)
    {
        manual_seed(6);
        CnnModel net = name == "vgg" ? new VggNet("4,M,8,M", true, Normalization.Mnist) : new ResNet(4, 1, Normalization.Mnist);
        using var model = new HashedCnn(net, new HashingOptions { Factor = 4, Seed = 2 });
        Assert.Equal(net.WeightLayers.Count, model.HashedLayers.Count);
        model.eval();
        var random = new Random(3);
        var x = Enumerable.Range(0, 3 * 784).Select(_ => (float)random.NextDouble()).ToArray();
        var export = HashedCnnOnnxExporter.Build(model);
        Assert.Equal(model.HashedLayers.Count, export.Model.Graph.Node.Count(n => n.OpType == "Gather"));
        Assert.True(CnnOnnxExporter.Verify(model.Net, export.Model, x, 3, 1e-4) <= 1e-4);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.33)]
    [InlineData(0.05)]
    public void ScaledLeNetCountsItsParametersAndRebuildsFromItsMetadata(double width)
    {
        using var net = new LeNet5(Normalization.Mnist, width);
        Assert.Equal(net.parameters().Sum(p => p.numel()), LeNet5.ParametersAtWidth(width));
        using var rebuilt = (LeNet5)CnnFactory.Build(net.Describe(), "test");
        Assert.Equal(width, rebuilt.Width);
        Assert.Equal(width == 1, !net.Describe().ContainsKey("width"));
    }

    [Fact]
    public void EqualSizeLeNetIsTheLargestThatFitsTheHashedNetwork()
    {
        Assert.Equal(61_706, LeNet5.ParametersAtWidth(1));
        var width = LeNet5.EqualSizeWidth(7_920);
        var count = LeNet5.ParametersAtWidth(width);
        Assert.InRange(count, 1, 7_920);
        // The next width at which any layer grows by one unit no longer fits.
        var next = Enumerable.Range(1, 2000).Select(i => width + i * 1e-3).First(w => LeNet5.Widths(w) != LeNet5.Widths(width));
        Assert.True(LeNet5.ParametersAtWidth(next) > 7_920);
    }

    [Fact]
    public void SeedsThatDisagreeWithTheFileAreRefused()
    {
        using var model = LeNet(new HashingOptions { Factor = 8, Seed = 1 });
        var path = Path.Combine(_dir, "bad.safetensors");
        var metadata = new Dictionary<string, string>(model.Describe()) { [ModelFile.FormatKey] = ModelFile.FormatVersion, ["conv2.hash_seeds"] = "0000000000000001" };
        SafetensorsWriter.Write(path, ModelFile.StateWeights(model.RealState), metadata);
        var error = Assert.Throws<InvalidFileException>(() => HashedCnnFile.Load(path));
        Assert.Contains("conv2.hash_seeds", error.Message);
    }

    [Theory]
    [InlineData("hash", "--model", "lenet5", "--factor", "0.5")]
    [InlineData("hash", "--model", "lenet7")]
    [InlineData("hash", "--model", "lenet5", "--structured")]
    public void BadRequestsAreRefusedInOneLine(params string[] args)
    {
        var (code, _, stderr) = CliHarness.Run(args);
        Assert.NotEqual(0, code);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    static int ArgMax(float[] y, int row)
    {
        var best = 0;
        for (var c = 1; c < 10; c++) if (y[row * 10 + c] > y[row * 10 + best]) best = c;
        return best;
    }
}
