using System.Text.Json;
using Condense.Data;
using Condense.Formats.Npy;
using Condense.Formats.Onnx;
using Condense.Models;
using Condense.Tests.Workflows;
using Google.Protobuf;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Tests.Cli;

/// <summary><c>condense prune MODEL.onnx --method sparsegpt|magnitude --sparsity S</c> on the MNIST classifier exported to ONNX.</summary>
public sealed class SparsityCliTests(Xunit.Abstractions.ITestOutputHelper log)
{
    [Fact]
    [Trait("Category", "Slow")]
    public void Sparsegpt_halves_every_layer_of_the_mnist_classifier_and_follows_it_at_least_as_well_as_magnitude()
    {
        using var dir = new TempDir();
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        using (var model = (MlpModel)ModelFactory.Create(ModelKind.Classifier, seed: 1))
        {
            Trainer.Train(model, train.Take(600), null, new TrainingOptions { Epochs = 1, Seed = 1 });
            model.eval();
            File.WriteAllBytes(dir.File("clf.onnx"), OnnxExporter.Export(model).ToByteArray());
        }
        var rows = test.Take(160);
        NpyWriter.Write(dir.File("x.npy"), new NpyArray("x", DataType.Float, [rows.Count, rows.Features],
            rows.Images.AsSpan(0, rows.Count * rows.Features).ToArray().SelectMany(BitConverter.GetBytes).ToArray()));

        var output = dir.File("sparse.onnx");
        var (code, stdout, stderr) = CliHarness.Run("prune", dir.File("clf.onnx"), "--method", "sparsegpt", "--sparsity", "0.5",
            "--data", dir.File("x.npy"), "--calibration-count", "160", "--json", "-o", output);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("sparsegpt", root.GetProperty("method").GetString());
        Assert.Equal("mean cosine", root.GetProperty("metric").GetString());
        var quality = root.GetProperty("quality").GetDouble();
        var magnitude = root.GetProperty("magnitude_quality").GetDouble();
        log.WriteLine($"held-out cosine: SparseGPT {quality:F4}, magnitude {magnitude:F4}");
        Assert.True(quality >= magnitude && quality > 0.9, $"SparseGPT {quality} vs magnitude {magnitude}");
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(3, layers.Count);
        Assert.All(layers, l => Assert.Equal(0.5, l.GetProperty("sparsity").GetDouble()));
        Assert.All(layers, l => Assert.True(l.GetProperty("output_error").GetDouble() <= l.GetProperty("magnitude_output_error").GetDouble()));

        // The file written runs, and its weights are half zeros.
        var written = OnnxReader.Read(output).Proto.Graph.Initializer.Where(t => t.Name.EndsWith(".weight", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, written.Count);
        Assert.All(written, t => { var v = OnnxTensorData.ToFloat32(t); Assert.Equal(v.Length / 2, v.Count(x => x == 0)); });
        using var runner = OnnxRuntimeRunner.FromFile(output);
        Assert.Equal(10, OnnxTensorData.ToFloat32(runner.Run([OnnxTensorData.FromFloat32("input", rows.Images.AsSpan(0, 784), [1, 784])])[0]).Length);

        // Magnitude needs no data; an unknown method is refused in one line and writes nothing.
        (code, stdout, stderr) = CliHarness.Run("prune", dir.File("clf.onnx"), "--method", "magnitude", "--sparsity", "0.5",
            "--data", dir.File("x.npy"), "--calibration-count", "40", "--encode", "fp16", "-o", dir.File("mag.onnx"));
        Assert.True(code == 0, stderr);
        Assert.Contains("fp16 16-bit values, sparse where smaller", stdout);
        (code, _, stderr) = CliHarness.Run("prune", dir.File("clf.onnx"), "--method", "snip", "--sparsity", "0.5", "-o", dir.File("snip.onnx"));
        Assert.Equal(1, code);
        Assert.Contains("sparsegpt or magnitude", stderr);
        Assert.False(File.Exists(dir.File("snip.onnx")));
    }
}
