using System.Text.Json;
using Condense.Formats.Onnx;

namespace Condense.Tests.Formats.Onnx;

/// <summary><c>info --input-shape</c> and <see cref="OnnxVerifier.Probe"/>: run a model once on random inputs of the shapes that fit.</summary>
public sealed class OnnxProbeTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-onnx-probe").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Info_with_input_shapes_runs_the_model_and_lists_its_outputs()
    {
        var input = Path.Combine(dir, "grouped5.onnx");
        OnnxWriter.Write(input, OnnxBadGraphSamples.GroupedSequence(5));
        var (code, stdout, stderr) = CliHarness.Run("info", input, "--input-shape", "X=3,10", "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var run = json.RootElement.GetProperty("run");
        Assert.Equal("random (seed 0); X [3, 10]", run.GetProperty("inputs").GetString());
        var y = Assert.Single(run.GetProperty("outputs").EnumerateArray());
        // 3·10 elements regrouped by 5 rows, projected to 64.
        Assert.Equal([6L, 64L], y.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));

        (code, stdout, _) = CliHarness.Run("info", input, "--input-shape", "X=1,5");
        Assert.Equal(0, code);
        Assert.Contains("runs in ONNX Runtime on random (seed 0); X [1, 5]: Y FLOAT [1, 64]", stdout);
        // Without the option, info does not run the model at all.
        (code, stdout, _) = CliHarness.Run("info", input, "--json");
        Assert.Equal(0, code);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(stdout).RootElement.GetProperty("run").ValueKind);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void MiniLm_runs_by_default_with_a_sequence_of_8_shared_by_its_three_inputs()
    {
        var model = OnnxReader.Read(PackagedModels.MiniLm);
        var probe = OnnxVerifier.Probe(model);
        foreach (var name in new[] { "input_ids", "attention_mask", "token_type_ids" })
            Assert.Contains($"{name} [1, 8]", probe.InputSource);
        Assert.Equal([1L, 8L, 384L], probe.Outputs[0].Shape);

        var given = OnnxVerifier.Probe(model, OnnxInputShapes.Parse(["input_ids=2,16", "attention_mask=2,16", "token_type_ids=2,16"]));
        Assert.Equal([2L, 16L, 384L], given.Outputs[0].Shape);
    }
}
