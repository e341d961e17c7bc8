using System.Text.Json.Nodes;
using Condense.Data;
using Condense.Formats;
using Condense.Models;

namespace Condense.Tests.Cli;

public sealed class QuantizeCliTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-quant-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string SmallModel()
    {
        var path = Path.Combine(_dir, "lenet.safetensors");
        if (!File.Exists(path))
            ModelFile.Save(path, ModelFactory.Create(ModelKind.LeNet300, 3), new ModelCard(DataSets.Mnist10k));
        return path;
    }

    [Theory]
    [InlineData("kmeans", "4", true)]
    [InlineData("kmeans", "3", false)]
    [InlineData("linear", "8", false)]
    [InlineData("linear", "4", false)]
    public void ReportedSizesAreTheBytesWrittenAndTheFileReloads(string method, string bits, bool huffman)
    {
        var model = SmallModel();
        var outPath = Path.Combine(_dir, $"q-{method}-{bits}.safetensors");
        var reportPath = Path.Combine(_dir, "r.json");
        var args = new List<string> { "quantize", model, "--method", method, "--bits", bits, "--per-channel", "--samples", "50", "-o", outPath, "--report", reportPath };
        if (huffman) args.Add("--huffman");
        var (code, stdout, stderr) = CliHarness.Run(args.ToArray());
        Assert.True(code == 0, stderr);
        Assert.Contains("fc1", stdout);
        var r = JsonNode.Parse(File.ReadAllText(reportPath))!;
        long fileBytes = new FileInfo(outPath).Length;
        Assert.Equal(fileBytes, r["file_bytes_after"]!.GetValue<long>());
        long dataBytes;
        using (var reader = SafetensorsReader.Open(outPath))
        {
            dataBytes = reader.Entries.Sum(e => e.ByteLength);
            Assert.Equal(fileBytes - reader.DataStart, dataBytes);
        }
        Assert.Equal(dataBytes, r["tensor_bytes_after"]!.GetValue<long>());
        Assert.Equal(dataBytes, r["layers"]!.AsArray().Sum(l => l!["bytes_after"]!.GetValue<long>()));
        Assert.True(r["times_smaller"]!.GetValue<double>() > 3.5);
        // The file decodes (Huffman streams included) to the model the report evaluated.
        var (net, _, _) = QuantizedModelFile.Load(outPath);
        var (_, test) = DataSets.Load(DataSets.Mnist10k);
        var eval = Evaluator.Evaluate(net, test);
        Assert.Equal(r["accuracy_after"]!.GetValue<double>(), eval.Accuracy!.Value, 9);
        foreach (var l in r["layers"]!.AsArray())
        {
            Assert.True(l!["measured_output_error_max"]!.GetValue<double>() >= 0);
            Assert.True(l["cond1"]!.GetValue<double>() >= 1);
        }
    }

    [Theory]
    [InlineData("kmeans", "9")]
    [InlineData("kmeans", "0")]
    [InlineData("linear", "3")]
    public void BadBitsFailWithOneLineAndWriteNothing(string method, string bits)
    {
        var outPath = Path.Combine(_dir, "never.safetensors");
        var (code, _, stderr) = CliHarness.Run("quantize", SmallModel(), "--method", method, "--bits", bits, "-o", outPath);
        Assert.Equal(1, code);
        Assert.StartsWith("condense: error:", stderr);
        Assert.Contains(bits, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(outPath));
    }

    [Fact]
    public void NaNWeightsFailWithOneLineAndWriteNothing()
    {
        var model = ModelFactory.Create(ModelKind.LeNet300, 1);
        var tensors = ModelFile.Weights(model).ToList();
        var w = tensors[0].ToFloat32();
        w[5] = float.NaN;
        tensors[0] = NamedTensor.FromFloat32(tensors[0].Name, w, tensors[0].Shape);
        var path = Path.Combine(_dir, "nan.safetensors");
        SafetensorsWriter.Write(path, tensors, model.Describe());
        var outPath = Path.Combine(_dir, "never.safetensors");
        var report = Path.Combine(_dir, "never.json");
        var (code, _, stderr) = CliHarness.Run("quantize", path, "--bits", "4", "-o", outPath, "--report", report);
        Assert.Equal(1, code);
        Assert.Contains("NaN", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(outPath));
        Assert.False(File.Exists(report));
    }

    [Fact]
    public void AnalyzePrintsEveryLayerAndTheMaxCond1()
    {
        var (code, stdout, stderr) = CliHarness.Run("analyze", SmallModel(), "--json");
        Assert.True(code == 0, stderr);
        var r = JsonNode.Parse(stdout)!;
        var layers = r["layers"]!.AsArray();
        Assert.Equal(3, layers.Count);
        Assert.Equal(layers.Max(l => l!["cond1"]!.GetValue<double>()), r["max_cond1"]!.GetValue<double>());
        Assert.All(layers, l => Assert.InRange(l!["effective_rank"]!.GetValue<double>(), 1, Math.Min(l["rows"]!.GetValue<int>(), l["columns"]!.GetValue<int>())));
    }

    [Fact]
    public void BenchKMeansJsonHasFastWithinATenthOfAPercentOfExact()
    {
        var (code, stdout, stderr) = CliHarness.Run("bench", "kmeans", "--n", "200", "--bits", "2,5", "--repeat", "1", "--json");
        Assert.True(code == 0, stderr);
        var runs = JsonNode.Parse(stdout)!["runs"]!.AsArray();
        Assert.Equal(2, runs.Count);
        foreach (var r in runs)
            Assert.True(r!["fast_sse"]!.GetValue<double>() <= r["exact_sse"]!.GetValue<double>() * 1.001);
        // Which exact solver ran is reported: the layered DP at k = 4, the Lagrangian search (with its solves) at k = 32.
        Assert.Equal("ExactDp", runs[0]!["exact_method"]!.GetValue<string>());
        Assert.Equal("ExactLagrangian", runs[1]!["exact_method"]!.GetValue<string>());
        Assert.True(runs[1]!["exact_solves"]!.GetValue<int>() >= 1);
        Assert.Equal(1, CliHarness.Run("bench", "kmeans", "--bits", "0..3").Code);
    }
}
