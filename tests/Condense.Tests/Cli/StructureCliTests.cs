using System.Text.Json;
using Condense.Formats.Onnx;
using Condense.Tests.Graph.Structure;

namespace Condense.Tests.Cli;

public sealed class StructureCliTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-structure-cli-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    string TinyFfn()
    {
        var t = UnfollowableModels.Ffn();
        return t.Save(t.Model(), dir, "ffn.onnx");
    }

    [Fact]
    public void Prune_dispatches_onnx_by_content_and_reports_snake_case_json()
    {
        var model = TinyFfn();
        var output = Path.Combine(dir, "out.onnx");
        var (code, stdout, stderr) = CliHarness.Run("prune", model, "--structured", "--sparsity", "0.25", "--latency-runs", "0", "-o", output, "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("data_is_random").GetBoolean());
        Assert.Equal(4, json.RootElement.GetProperty("groups")[0].GetProperty("removed").GetInt32());
        Assert.True(json.RootElement.GetProperty("agreement").GetProperty("mean_cosine").GetDouble() > 0.5);
        Assert.Equal([8L, 12L], OnnxReader.Read(output).Proto.Graph.Initializer.Single(t => t.Name == "W1").Dims);
    }

    [Fact]
    public void Lowrank_factorises_an_onnx_model_and_prints_a_table()
    {
        var model = TinyFfn();
        var output = Path.Combine(dir, "lr.onnx");
        var (code, stdout, stderr) = CliHarness.Run("lowrank", model, "--params", "0.5", "--latency-runs", "0", "-o", output);
        Assert.True(code == 0, stderr);
        Assert.Contains("whitened SVD", stdout);
        Assert.Contains("plain SVD at the same ranks", stdout);
        Assert.Equal(4, OnnxReader.Read(output).Proto.Graph.Node.Count(n => n.OpType == "MatMul"));
    }
}
