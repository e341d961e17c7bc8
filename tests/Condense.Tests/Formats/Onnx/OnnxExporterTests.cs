using Condense.Data;
using Condense.Formats.Onnx;
using Condense.Models;
using Google.Protobuf;
using Onnx;
using Xunit.Abstractions;

namespace Condense.Tests.Formats.Onnx;

public sealed class OnnxExporterTests(ITestOutputHelper output) : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-onnx-export").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static readonly Lazy<(Dataset Train, Dataset Test)> Mnist = new(() => DataSets.Load(DataSets.Mnist10k));

    [Theory]
    [InlineData(ModelKind.LeNet300)]
    [InlineData(ModelKind.Classifier)]
    [InlineData(ModelKind.Autoencoder)]
    public void Exported_model_in_onnx_runtime_matches_torchsharp(ModelKind kind)
    {
        using var model = ModelFactory.Create(kind, seed: 5);
        var proto = OnnxExporter.Export(model);
        Assert.DoesNotContain(proto.Graph.Node, n => n.OpType == "Dropout");
        Assert.Equal(model.Layers.Count, proto.Graph.Node.Count(n => n.OpType == "Gemm"));
        Assert.Equal(kind == ModelKind.Autoencoder ? "Sigmoid" : "LogSoftmax", proto.Graph.Node[^1].OpType);
        var path = Path.Combine(dir, "model.onnx");
        OnnxWriter.Write(path, proto);
        var read = OnnxReader.Read(path);
        Assert.Equal(model.ParameterCount, read.Parameters.Where(p => p.Name.StartsWith("fc")).Sum(p => p.ElementCount));

        const int n = 7;
        var x = Mnist.Value.Test.Images.AsSpan(0, n * 784).ToArray();
        var expected = Evaluator.Predict(model, x, n, 784);
        using var runner = new OnnxRuntimeRunner(File.ReadAllBytes(path), path);
        var actual = OnnxTensorData.ToFloat32(runner.Run([OnnxTensorData.FromFloat32("input", x, [n, 784])])[0]);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"{i}: {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public void Export_command_writes_an_onnx_file_info_reads()
    {
        using var model = ModelFactory.Create(ModelKind.LeNet300, seed: 1);
        var safetensors = Path.Combine(dir, "lenet.safetensors");
        ModelFile.Save(safetensors, model, new ModelCard(DataSets.Mnist10k));
        var onnx = Path.Combine(dir, "lenet.onnx");
        var (code, _, stderr) = CliHarness.Run("export", safetensors, "-o", onnx);
        Assert.True(code == 0, stderr);
        var info = CliHarness.Run("info", onnx, "--json");
        Assert.Equal(0, info.Code);
        Assert.Contains("\"format\": \"onnx\"", info.Stdout);
        // 266 610 weights and biases plus the two normalisation scalars.
        Assert.Contains("\"parameters\": 266612", info.Stdout);
        Assert.Contains("fc1.weight", info.Stdout);

        // The verifier of a Condense-exported model runs on real test images.
        var compressed = CliHarness.Run("compress", onnx, "--method", "kmeans", "--bits", "5", "-o", Path.Combine(dir, "lenet.k5.onnx"), "--json");
        Assert.True(compressed.Code == 0, compressed.Stderr);
        Assert.Contains("\"inputs\": \"mnist10k test images (first 256)\"", compressed.Stdout);
    }

    /// <summary>
    /// Acceptance: the MNIST classifier (784-1000-1000-10, trained on mnist10k) exported to ONNX
    /// and compressed with 5-bit k-means is at most 0.2 × the fp32 ONNX file, runs in ONNX
    /// Runtime, and its test accuracy is within 0.2 points of the TorchSharp model's.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void Mnist_classifier_kmeans5_onnx_is_a_fifth_of_fp32_and_keeps_accuracy()
    {
        var (train, test) = Mnist.Value;
        using var model = ModelFactory.Create(ModelKind.Classifier, seed: 0);
        // Two epochs (not the default five) keep the suite's time down; the model still reaches
        // well over 90 %, and the claim is about the accuracy the compression keeps.
        Trainer.Train(model, train, null, new TrainingOptions { Seed = 0, Epochs = 2 });
        var torchAccuracy = Evaluator.Evaluate(model, test).Accuracy!.Value;

        var fp32 = Path.Combine(dir, "classifier.onnx");
        OnnxWriter.Write(fp32, OnnxExporter.Export(model));
        var compressedPath = Path.Combine(dir, "classifier.kmeans5.onnx");
        var (code, stdout, stderr) = CliHarness.Run("compress", fp32, "--method", "kmeans", "--bits", "5", "-o", compressedPath, "--json");
        Assert.True(code == 0, stderr);

        var ratio = (double)new FileInfo(compressedPath).Length / new FileInfo(fp32).Length;
        var fp32Accuracy = OnnxAccuracy(fp32, test);
        var compressedAccuracy = OnnxAccuracy(compressedPath, test);
        output.WriteLine($"fp32 ONNX {new FileInfo(fp32).Length} bytes, kmeans5 ONNX {new FileInfo(compressedPath).Length} bytes, ratio {ratio:0.0000}");
        output.WriteLine($"accuracy: TorchSharp {torchAccuracy:P2}, ONNX fp32 {fp32Accuracy:P2}, ONNX kmeans5 {compressedAccuracy:P2}");
        Assert.True(ratio <= 0.2, $"ratio {ratio}");
        Assert.True(Math.Abs(fp32Accuracy - torchAccuracy) < 1e-9, $"fp32 ONNX {fp32Accuracy} vs TorchSharp {torchAccuracy}");
        Assert.True(Math.Abs(compressedAccuracy - torchAccuracy) <= 0.002, $"kmeans5 ONNX {compressedAccuracy} vs TorchSharp {torchAccuracy}");
        Assert.True(torchAccuracy > 0.9, $"the model did not learn: {torchAccuracy}");
    }

    static double OnnxAccuracy(string path, Dataset test)
    {
        using var runner = new OnnxRuntimeRunner(File.ReadAllBytes(path), path, threads: 2);
        var logits = OnnxTensorData.ToFloat32(runner.Run([OnnxTensorData.FromFloat32("input", test.Images, [test.Count, test.Features])])[0]);
        var correct = 0;
        for (int i = 0; i < test.Count; i++)
        {
            var row = logits.AsSpan(i * 10, 10);
            var best = 0;
            for (int c = 1; c < 10; c++) if (row[c] > row[best]) best = c;
            if (best == test.Labels[i]) correct++;
        }
        return (double)correct / test.Count;
    }
}
