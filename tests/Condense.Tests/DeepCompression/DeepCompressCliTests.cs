using System.Text.Json;
using Condense.Data;
using Condense.DeepCompression;
using Condense.Formats.Onnx;
using Condense.Models;

namespace Condense.Tests.DeepCompression;

public class DeepCompressCliTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-dc-cli-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void WritesAContainerThatDecodesAndAnOnnxModelThatRuns()
    {
        var (train, _) = DataSets.Load(DataSets.Mnist10k);
        using var model = ModelFactory.Create(ModelKind.LeNet300, 1);
        Trainer.Train(model, train.Take(500), null, new TrainingOptions { Epochs = 1, Seed = 1 });
        var path = Path.Combine(_dir, "lenet.safetensors");
        ModelFile.Save(path, model, new ModelCard(DataSets.Mnist10k));
        var (code, stdout, stderr) = CliHarness.Run("deep-compress", path, "--prune-steps", "1", "--prune-epochs", "0", "--share-epochs", "0", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.True(doc.RootElement.GetProperty("verified").GetBoolean());
        var container = Path.Combine(_dir, "lenet.cdz");
        Assert.Equal(new FileInfo(container).Length, doc.RootElement.GetProperty("container_bytes").GetInt64());
        var (metadata, layers) = CompressedContainer.Read(container);
        Assert.Equal("784,300,100,10", metadata["sizes"]);
        // fc1 kept 7 %: at most 2^4 − 1 distinct non-zero values.
        var fc1 = layers[0].DecodeWeights();
        Assert.InRange(fc1.Count(v => v != 0), 0.069 * fc1.Length, 0.071 * fc1.Length);
        Assert.True(fc1.Where(v => v != 0).Distinct().Count() <= 15);
        // The ONNX model runs in ONNX Runtime and matches the decoded weights' outputs.
        var onnx = doc.RootElement.GetProperty("onnx");
        Assert.True(File.Exists(onnx.GetProperty("path").GetString()));
        Assert.True(onnx.GetProperty("worst_abs_difference").GetDouble() < 1e-3);
        Assert.NotNull(OnnxReader.Read(onnx.GetProperty("path").GetString()!));
    }

    [Fact]
    public void BadSettingsAreOneLineErrors()
    {
        var (code, _, err) = CliHarness.Run("deep-compress", "x.safetensors", "--sparsity", "0.9,1.2");
        Assert.Equal(1, code);
        Assert.Equal("condense: error: sparsity must be values in [0, 1), got [0.9, 1.2]", err.Trim());
        (code, _, err) = CliHarness.Run("deep-compress", Path.Combine(_dir, "missing.safetensors"));
        Assert.Equal(1, code);
        Assert.Single(err.Trim().Split('\n'));
    }
}
