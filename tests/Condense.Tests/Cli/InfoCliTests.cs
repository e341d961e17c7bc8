using System.Text.Json;
using Condense.DeepCompression;
using Condense.Models;
using Condense.Pruning;

namespace Condense.Tests.Cli;

/// <summary>
/// <c>condense info</c> on every model format, as a table (Spectre markup: a shape like
/// "[300, 784]" must be escaped, not read as a style) and as JSON checked against the files' own readers.
/// </summary>
public sealed class InfoCliTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-info-cli-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string In(string name) => Path.Combine(_dir, name);

    static string Table(params string[] args)
    {
        var (code, stdout, stderr) = CliHarness.Run(["info", .. args]);
        Assert.True(code == 0, stderr);
        Assert.Empty(stderr);
        return stdout;
    }

    static JsonElement Json(string path)
    {
        var (code, stdout, stderr) = CliHarness.Run("info", path, "--json");
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement;
    }

    [Fact]
    public void EveryFormatPrintsItsTableAndJsonAgreesWithItsReader()
    {
        var dense = In("lenet.safetensors");
        using (var model = ModelFactory.Create(ModelKind.LeNet300, 3)) ModelFile.Save(dense, model);
        Assert.Contains("[300, 784]", Table(dense));

        var onnx = In("lenet.onnx");
        var (code, _, stderr) = CliHarness.Run("export", dense, "-o", onnx);
        Assert.True(code == 0, stderr);
        var onnxTable = Table(onnx);
        Assert.Contains("Gemm", onnxTable);
        Assert.Contains("[300, 784]", onnxTable);

        var sparse = In("lenet.csparse");
        (code, _, stderr) = CliHarness.Run("prune", dense, "--sparsity", "0.9", "--data", "none", "-o", sparse);
        Assert.True(code == 0, stderr);
        var sparseTable = Table(sparse);
        Assert.Contains("[300, 784]", sparseTable);
        Assert.Contains("sparse model (.csparse)", sparseTable);
        var sparseJson = Json(sparse);
        Assert.Equal("csparse", sparseJson.GetProperty("format").GetString());
        Assert.Equal(new FileInfo(sparse).Length, sparseJson.GetProperty("bytes").GetInt64());
        var (tensors, _) = SparseModelFile.Read(sparse);
        foreach (var t in sparseJson.GetProperty("tensors").EnumerateArray())
        {
            var values = tensors.Single(x => x.Name == t.GetProperty("name").GetString()).ToFloat32();
            Assert.Equal(values.Count(v => v != 0), t.GetProperty("nonzero").GetInt64());
            Assert.Equal(values.Length, t.GetProperty("elements").GetInt64());
        }
        var weights = sparseJson.GetProperty("tensors").EnumerateArray().Where(t => t.GetProperty("name").GetString()!.EndsWith(".weight"));
        Assert.Equal(0.1, weights.Sum(t => t.GetProperty("nonzero").GetInt64()) / (double)weights.Sum(t => t.GetProperty("elements").GetInt64()), 3);

        var renamed = In("lenet-sparse.bin");
        File.Copy(sparse, renamed);
        Assert.Equal("csparse", Json(renamed).GetProperty("format").GetString());

        var container = In("lenet.cdz");
        (code, _, stderr) = CliHarness.Run("deep-compress", dense, "--prune-steps", "1", "--prune-epochs", "0", "--share-epochs", "0", "-o", container);
        Assert.True(code == 0, stderr);
        Assert.Contains("[300, 784]", Table(container));
        var containerJson = Json(container);
        Assert.Equal("cdz", containerJson.GetProperty("format").GetString());
        var (_, layers) = CompressedContainer.Read(container);
        Assert.Equal(layers.Select(l => l.Entries), containerJson.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("entries").GetInt32()));
    }

    [Fact]
    public void AFileOfNoKnownFormatIsOneLine()
    {
        var junk = In("junk.bin");
        File.WriteAllBytes(junk, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        var (code, _, stderr) = CliHarness.Run("info", junk);
        Assert.Equal(1, code);
        Assert.StartsWith($"condense: error: {junk}: not a model file Condense reads", stderr.Trim());
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
