using System.Text.Json;
using Condense.Data;
using Condense.DeepCompression;
using Condense.Formats.Onnx;
using Condense.Hashing;
using Condense.LowRank;
using Condense.Models;
using Condense.Pruning;

namespace Condense.Tests.Cli;

/// <summary>
/// <c>condense eval</c> on every model file Condense writes, each checked against a computation
/// that does not go through <c>ModelFiles</c>: TorchSharp on the loaded model, or ONNX Runtime
/// through <see cref="OnnxEvaluator"/>.
/// </summary>
public sealed class EvalCliTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-eval-cli-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string In(string name) => Path.Combine(_dir, name);

    static JsonElement Eval(params string[] args)
    {
        var (code, stdout, stderr) = CliHarness.Run(["eval", .. args, "--json"]);
        Assert.True(code == 0, stderr);
        Assert.Empty(stderr);
        return JsonDocument.Parse(stdout).RootElement;
    }

    static void AssertFile(JsonElement json, string path, string format)
    {
        Assert.Equal(path, json.GetProperty("model").GetString());
        Assert.Equal(format, json.GetProperty("format").GetString());
        Assert.Equal(new FileInfo(path).Length, json.GetProperty("bytes").GetInt64());
        Assert.Equal(DataSets.Mnist10k, json.GetProperty("data").GetString());
    }

    [Fact]
    public void EvalMeasuresEachFormatAsAnIndependentRuntimeDoes()
    {
        var dense = In("lenet.safetensors");
        var (code, _, stderr) = CliHarness.Run("train", "--model", "lenet300", "--epochs", "1", "--seed", "2", "-o", dense);
        Assert.True(code == 0, stderr);
        var onnx = In("lenet.onnx");
        (code, _, stderr) = CliHarness.Run("export", dense, "-o", onnx);
        Assert.True(code == 0, stderr);
        var kmeans = In("lenet.k8.onnx");
        (code, _, stderr) = CliHarness.Run("compress", onnx, "--method", "kmeans", "--bits", "8", "-o", kmeans);
        Assert.True(code == 0, stderr);
        var sparse = In("lenet.csparse");
        (code, _, stderr) = CliHarness.Run("prune", dense, "--sparsity", "0.9", "-o", sparse);
        Assert.True(code == 0, stderr);
        var (_, test) = DataSets.Load(DataSets.Mnist10k);

        // Dense safetensors: TorchSharp on the model ModelFile loads.
        var json = Eval(dense);
        AssertFile(json, dense, "safetensors");
        Assert.Equal("LeNet300", json.GetProperty("architecture").GetString());
        var (net, _) = ModelFile.Load(dense);
        double torchAccuracy;
        using (net) torchAccuracy = Evaluator.Evaluate(net, test).Accuracy!.Value;
        Assert.Equal(torchAccuracy, json.GetProperty("accuracy").GetDouble(), 12);
        Assert.InRange(torchAccuracy, 0.8, 1.0);
        Assert.Equal(test.Count, json.GetProperty("count").GetInt32());

        // fp32 ONNX in ONNX Runtime: the TorchSharp model's accuracy within 0.1 point, and exactly OnnxEvaluator's.
        json = Eval(onnx);
        AssertFile(json, onnx, "onnx");
        Assert.Equal("LeNet300", json.GetProperty("architecture").GetString());
        var onnxAccuracy = json.GetProperty("accuracy").GetDouble();
        Assert.InRange(onnxAccuracy, torchAccuracy - 0.001, torchAccuracy + 0.001);
        Assert.Equal(OnnxEvaluator.Evaluate(onnx, test, ModelTask.Classification).Accuracy!.Value, onnxAccuracy, 12);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("mse").ValueKind);

        // k-means 8-bit ONNX: what ONNX Runtime gives on the compressed graph; 256 shared values cost little.
        json = Eval(kmeans);
        AssertFile(json, kmeans, "onnx");
        var kmeansAccuracy = json.GetProperty("accuracy").GetDouble();
        Assert.Equal(OnnxEvaluator.Evaluate(kmeans, test, ModelTask.Classification).Accuracy!.Value, kmeansAccuracy, 12);
        Assert.InRange(kmeansAccuracy, torchAccuracy - 0.02, torchAccuracy + 0.02);
        Assert.True(new FileInfo(kmeans).Length < new FileInfo(onnx).Length / 3);

        // The same compression with its weights in external data (OUT.onnx.data): ONNX Runtime finds them beside the model.
        var external = In("lenet.k8x.onnx");
        (code, _, stderr) = CliHarness.Run("compress", onnx, "--method", "kmeans", "--bits", "8", "--external-data", "always", "-o", external);
        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(external + ".data"));
        Assert.Equal(kmeansAccuracy, Eval(external).GetProperty("accuracy").GetDouble(), 12);

        // Sparse model: TorchSharp on the model SparseModelFile decodes.
        json = Eval(sparse);
        AssertFile(json, sparse, "csparse");
        double sparseAccuracy;
        using (var pruned = SparseModelFile.Load(sparse)) sparseAccuracy = Evaluator.Evaluate(pruned, test).Accuracy!.Value;
        Assert.Equal(sparseAccuracy, json.GetProperty("accuracy").GetDouble(), 12);

        // Deep Compression container (and the sparse k-means ONNX graph written beside it): the
        // decoded TorchSharp model, and ONNX Runtime on the graph within 0.1 point of it.
        var container = In("dc.cdz");
        (code, _, stderr) = CliHarness.Run("deep-compress", dense, "--prune-steps", "1", "--prune-epochs", "0", "--share-epochs", "0", "-o", container);
        Assert.True(code == 0, stderr);
        json = Eval(container);
        AssertFile(json, container, "cdz");
        double containerAccuracy;
        using (var decoded = CompressedModelFile.Load(container)) containerAccuracy = Evaluator.Evaluate(decoded, test).Accuracy!.Value;
        Assert.Equal(containerAccuracy, json.GetProperty("accuracy").GetDouble(), 12);
        json = Eval(In("dc.onnx"));
        Assert.InRange(json.GetProperty("accuracy").GetDouble(), containerAccuracy - 0.001, containerAccuracy + 0.001);

        // Quantized safetensors (5-bit k-means codes): the model QuantizedModelFile decodes, and the quantize report's figure.
        var quantized = In("lenet.k5.safetensors");
        (code, var report, stderr) = CliHarness.Run("quantize", dense, "--method", "kmeans", "--bits", "5", "-o", quantized, "--json");
        Assert.True(code == 0, stderr);
        json = Eval(quantized);
        AssertFile(json, quantized, "safetensors");
        var (decodedQuantized, _, _) = QuantizedModelFile.Load(quantized);
        using (decodedQuantized) Assert.Equal(Evaluator.Evaluate(decodedQuantized, test).Accuracy!.Value, json.GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(JsonDocument.Parse(report).RootElement.GetProperty("accuracy_after").GetDouble(), json.GetProperty("accuracy").GetDouble(), 9);

        // A renamed file is recognised from its bytes.
        var renamed = In("lenet-sparse.bin");
        File.Copy(sparse, renamed);
        json = Eval(renamed);
        Assert.Equal("csparse", json.GetProperty("format").GetString());
        Assert.Equal(sparseAccuracy, json.GetProperty("accuracy").GetDouble(), 12);

        // The table line names the format and size.
        (code, var stdout, stderr) = CliHarness.Run("eval", kmeans);
        Assert.True(code == 0, stderr);
        Assert.StartsWith($"{kmeans} (onnx, {new FileInfo(kmeans).Length:N0} bytes): LeNet300 on mnist10k ({test.Count} items): accuracy ", stdout.Trim());
    }

    [Fact]
    public void OnnxWithoutMetadataIsJudgedByItsOutputWidth()
    {
        var (_, test) = DataSets.Load(DataSets.Mnist10k);
        foreach (var kind in new[] { ModelKind.Autoencoder, ModelKind.LeNet300 })
        {
            using var model = ModelFactory.Create(kind, seed: 5);
            var proto = OnnxExporter.Export(model);
            proto.MetadataProps.Clear();
            var path = In($"{kind}.onnx");
            OnnxWriter.Write(path, proto);
            var json = Eval(path, "--data", DataSets.Mnist10k);
            Assert.Equal("ONNX graph", json.GetProperty("architecture").GetString());
            var expected = Evaluator.Evaluate(model, test);
            if (kind == ModelKind.Autoencoder)
            {
                Assert.Equal(JsonValueKind.Null, json.GetProperty("accuracy").ValueKind);
                Assert.Equal(expected.Loss, json.GetProperty("mse").GetDouble(), 5);
            }
            else
                Assert.InRange(json.GetProperty("accuracy").GetDouble(), expected.Accuracy!.Value - 0.001, expected.Accuracy.Value + 0.001);
        }
    }

    [Fact]
    public void FactorisedAndHashedSafetensorsRunAsTheirOwnModels()
    {
        var (_, test) = DataSets.Load(DataSets.Mnist10k);
        var factorised = In("rank.safetensors");
        using (var model = FactorizedMlp.ClassifierWithFactorizedFc2(rank: 20, seed: 3))
            FactorizedModelFile.Save(factorised, model, new ModelCard(DataSets.Mnist10k));
        var hashed = In("hashed.safetensors");
        using (var model = new HashedMlp([784, 300, 100, 10], new HashingOptions { Factor = 8 }))
            HashedModelFile.Save(hashed, model, new ModelCard(DataSets.Mnist10k));

        var json = Eval(factorised);
        AssertFile(json, factorised, "safetensors");
        Assert.Equal("FactorizedMlp", json.GetProperty("architecture").GetString());
        using (var loaded = FactorizedModelFile.Load(factorised))
            Assert.Equal(Evaluator.Evaluate(loaded, test).Accuracy!.Value, json.GetProperty("accuracy").GetDouble(), 12);

        json = Eval(hashed);
        AssertFile(json, hashed, "safetensors");
        Assert.Equal(HashedModelFile.Architecture, json.GetProperty("architecture").GetString());
        using (var loaded = HashedModelFile.Load(hashed))
            Assert.Equal(Evaluator.Evaluate(loaded, test).Accuracy!.Value, json.GetProperty("accuracy").GetDouble(), 12);
    }

    [Fact]
    public void OnnxWithTheWrongInputWidthIsOneLineNamingBothWidths()
    {
        var path = In("narrow.onnx");
        SyntheticOnnxModel.Write(path, layers: 2, hidden: 16, intermediate: 8);
        var before = Directory.GetFiles(_dir).Order().ToArray();
        var (code, stdout, stderr) = CliHarness.Run("eval", path);
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.Equal($"condense: error: {path}: the graph's input 'X' takes 16 features per item, but mnist10k has 784", stderr.Trim());
        Assert.Equal(before, Directory.GetFiles(_dir).Order().ToArray());
    }

    [Fact]
    public void GarbageTruncatedAndMissingFilesAreOneLineErrors()
    {
        var garbage = In("garbage.bin");
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(garbage, bytes);
        var fakeOnnx = In("garbage.onnx");
        File.WriteAllBytes(fakeOnnx, bytes);
        var truncated = In("truncated.csparse");
        var sparse = In("full.csparse");
        using (var model = ModelFactory.Create(ModelKind.LeNet300, 1)) SparseModelFile.Save(sparse, model);
        File.WriteAllBytes(truncated, File.ReadAllBytes(sparse)[..3000]);
        var broken = In("broken.onnx");      // well-formed, but ONNX Runtime knows no such operator
        using (var model = ModelFactory.Create(ModelKind.LeNet300, 1))
        {
            var proto = OnnxExporter.Export(model, DataSets.Mnist10k);
            proto.Graph.Node[0].OpType = "NoSuchOp";
            OnnxWriter.Write(broken, proto);
        }
        var before = Directory.GetFiles(_dir).Order().ToArray();

        void Fails(string path, string? message)
        {
            var (code, stdout, stderr) = CliHarness.Run("eval", path, "--json");
            Assert.Equal(1, code);
            Assert.Empty(stdout);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"condense: error: {path}: ", line);
            if (message is not null) Assert.Equal($"condense: error: {path}: {message}", line);
        }
        Fails(garbage, "not a model file Condense reads: expected ONNX (.onnx), a sparse model (.csparse), a Deep Compression container (.cdz) or a safetensors model");
        Fails(fakeOnnx, null);       // OnnxReader's own error
        Fails(truncated, null);      // the sparse reader's
        Fails(In("missing.bin"), "no such file");
        Fails(broken, null);         // ONNX Runtime's refusal, on one line

        Assert.Equal(before, Directory.GetFiles(_dir).Order().ToArray());
    }
}
