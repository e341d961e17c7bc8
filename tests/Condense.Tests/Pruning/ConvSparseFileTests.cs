using System.Text.Json;
using Condense.Data;
using Condense.Formats;
using Condense.Models;
using Condense.Models.Cnn;
using Condense.Pruning;
using Condense.Tests.Models.Cnn;
using static TorchSharp.torch;

namespace Condense.Tests.Pruning;

/// <summary>Issue 18: pruned CNNs in Condense's sparse model file (.csparse), conv kernels sparse.</summary>
public class ConvSparseFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-convsparse-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string In(string name) => Path.Combine(_dir, name);

    static float[] Outputs(CondenseModel model, float[] x, int n) => Evaluator.Predict(model, x, n, 784);

    [Theory]
    [InlineData(SparseEncoding.RelativeIndex)]
    [InlineData(SparseEncoding.Csr)]
    public void APrunedLeNet5RoundTripsBitForBitWithItsKernelsStoredSparse(SparseEncoding encoding)
    {
        using var net = CnnFactory.Create("lenet5", 0);
        ModelPruner.Apply(net, new ModelPruningOptions { Criterion = PruningCriterion.Magnitude, Sparsity = 0.9 });
        net.Masks.Clear();
        var path = In("p.csparse");
        var report = SparseModelFile.Save(path, net, new SparseStorageOptions { Encoding = encoding });

        // Both kernels (rank 4) are stored sparse, with exactly 10 % of their weights (⌊0.9·n⌋ pruned).
        foreach (var (name, total) in new[] { ("conv1.weight", 150), ("conv2.weight", 2400) })
        {
            var t = report.Tensors.Single(r => r.Name == name);
            Assert.Equal(encoding, t.Encoding);
            Assert.Equal(total - (long)Math.Floor(0.9 * total), t.Nonzeros);
            Assert.True(t.Bytes < 4L * total / 2, $"{name}: {t.Bytes} bytes is not sparse storage");
        }
        Assert.Equal(new FileInfo(path).Length, report.FileBytes);

        var (loaded, metadata) = SparseModelFile.LoadAny(path);
        using (loaded)
        {
            Assert.IsType<LeNet5>(loaded);
            Assert.Equal("LeNet5", metadata["architecture"]);
            var expected = ModelFile.Weights(net);
            var actual = ModelFile.Weights(loaded);
            Assert.Equal(expected.Select(t => t.Name), actual.Select(t => t.Name));
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Shape, actual[i].Shape);
                Assert.Equal(expected[i].ToFloat32().Select(BitConverter.SingleToInt32Bits), actual[i].ToFloat32().Select(BitConverter.SingleToInt32Bits));
            }
            var x = CnnTestNets.Images(16, 5);
            Assert.Equal(Outputs(net, x, 16), Outputs(loaded, x, 16));
        }
        // The MLP loader says what the file is rather than misreading it.
        var refused = Assert.Throws<InvalidFileException>(() => SparseModelFile.Load(path));
        Assert.Contains("a LeNet5 CNN", refused.Message);
    }

    [Fact]
    public void AVggWithBatchNormKeepsItsStatisticsDenseAndItsOutputs()
    {
        using var net = CnnTestNets.Randomise(new VggNet("4,M,8,M", true, CnnFactory.FashionNormalization), 3);
        ModelPruner.Apply(net, new ModelPruningOptions { Criterion = PruningCriterion.Global, Sparsity = 0.7 });
        net.Masks.Clear();
        var path = In("vgg.csparse");
        var report = SparseModelFile.Save(path, net);
        Assert.All(report.Tensors.Where(t => t.Name.Contains("running_", StringComparison.Ordinal)), t => Assert.Equal(SparseEncoding.Dense, t.Encoding));
        var (loaded, _) = SparseModelFile.LoadAny(path);
        using (loaded)
        {
            var vgg = Assert.IsType<VggNet>(loaded);
            Assert.Equal(CnnFactory.FashionNormalization, vgg.Normalization);
            Assert.False(loaded.training);
            var x = CnnTestNets.Images(8, 6);
            Assert.Equal(Outputs(net, x, 8), Outputs(loaded, x, 8));
        }
    }

    [Fact]
    public void PruneWritesACnnCsparseThatEvalScoresAtThePrunedAccuracyAndInfoReads()
    {
        var dense = In("lenet5.safetensors");
        using (var net = CnnFactory.Create("lenet5", 0)) ModelFile.Save(dense, net, new ModelCard(DataSets.Mnist10k));
        var output = In("x.csparse");
        var (code, stdout, stderr) = CliHarness.Run("prune", dense, "--method", "magnitude", "--sparsity", "0.9", "-o", output, "--json");
        Assert.True(code == 0, stderr);
        using var prune = JsonDocument.Parse(stdout);
        var layers = prune.RootElement.GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal(["conv1", "conv2", "fc1", "fc2", "fc3"], layers.Select(l => l.GetProperty("name").GetString()));
        Assert.All(layers, l => Assert.Equal(l.GetProperty("total").GetInt64() - (long)Math.Floor(0.9 * l.GetProperty("total").GetInt64()), l.GetProperty("nonzero").GetInt64()));
        var bytes = prune.RootElement.GetProperty("bytes");
        Assert.Equal(new FileInfo(output).Length, bytes.GetProperty("output").GetInt64());
        Assert.True(bytes.GetProperty("ratio").GetDouble() < 0.25, $"ratio {bytes.GetProperty("ratio").GetDouble()}");
        Assert.Contains(bytes.GetProperty("tensors").EnumerateArray(), t => t.GetProperty("name").GetString() == "conv2.weight" && t.GetProperty("encoding").GetString() == "RelativeIndex");

        (code, stdout, stderr) = CliHarness.Run("eval", output, "--json");
        Assert.True(code == 0, stderr);
        using var eval = JsonDocument.Parse(stdout);
        Assert.Equal(prune.RootElement.GetProperty("accuracy").GetProperty("pruned").GetDouble(), eval.RootElement.GetProperty("accuracy").GetDouble(), 12);

        (code, stdout, stderr) = CliHarness.Run("info", output, "--json");
        Assert.True(code == 0, stderr);
        using var info = JsonDocument.Parse(stdout);
        var conv2 = info.RootElement.GetProperty("tensors").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "conv2.weight");
        Assert.Equal([16L, 6, 5, 5], conv2.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(240, conv2.GetProperty("nonzero").GetInt64());
    }
}
