using System.Text.Json;
using Condense.Formats.Onnx;
using Google.Protobuf;
using Onnx;

namespace Condense.Tests.Formats.Onnx;

/// <summary>Graphs as users bring them: refused with one line and nothing written, or compressed in part with what was left named.</summary>
public sealed class OnnxBadGraphTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-onnx-bad").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    string Save(string name, ModelProto model)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    (int Code, string Stdout, string Stderr, string Output) Compress(string input, params string[] extra)
    {
        var output = Path.Combine(dir, "out.onnx");
        var (code, stdout, stderr) = CliHarness.Run(["compress", input, "--method", "kmeans", "--bits", "4", "--min-size", "100", "-o", output, .. extra]);
        return (code, stdout, stderr, output);
    }

    void AssertRefused((int Code, string Stdout, string Stderr, string Output) run, params string[] words)
    {
        Assert.Equal(1, run.Code);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("condense: error: ", line);
        foreach (var w in words) Assert.Contains(w, line);
        Assert.False(File.Exists(run.Output), "nothing may be written");
        Assert.Empty(Directory.GetFiles(dir, "*.tmp*"));
    }

    [Fact]
    public void A_model_with_nothing_any_method_compresses_is_refused_with_one_line()
    {
        var input = Save("add_relu.onnx", OnnxBadGraphSamples.OnlyAddRelu());
        AssertRefused(Compress(input), input, "nothing to compress", "'b' [4]", "below min size");
    }

    [Fact]
    public void A_truncated_file_is_refused_with_one_line()
    {
        var bytes = OnnxBadGraphSamples.ArgMaxOutput().ToByteArray();
        var input = Path.Combine(dir, "truncated.onnx");
        File.WriteAllBytes(input, bytes[..(bytes.Length / 2)]);
        AssertRefused(Compress(input), input, "truncated or corrupt");
    }

    [Fact]
    public void A_model_reading_an_undefined_value_is_refused_naming_the_node_and_value()
    {
        var input = Save("undefined.onnx", OnnxBadGraphSamples.UndefinedValue());
        AssertRefused(Compress(input), input, "dangling input", "'logits'", "'Z'");
    }

    [Fact]
    public void A_node_in_a_domain_onnx_runtime_lacks_is_named_before_any_work()
    {
        var input = Save("custom.onnx", OnnxBadGraphSamples.CustomDomain());
        AssertRefused(Compress(input), input, "node 'argmax'", "com.example.custom", "does not implement");
    }

    [Fact]
    public void Integer_outputs_are_compared_element_by_element()
    {
        var input = Save("argmax.onnx", OnnxBadGraphSamples.ArgMaxOutput());
        var run = Compress(input, "--json");
        Assert.True(run.Code == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var output = Assert.Single(json.RootElement.GetProperty("verification").GetProperty("outputs").EnumerateArray());
        Assert.Equal("INT64", output.GetProperty("dtype").GetString());
        Assert.InRange(output.GetProperty("mismatched").GetInt64(), 0, 4);

        // The count is right: recomputed from two independent sessions.
        var original = OnnxReader.Read(input);
        var inputs = OnnxVerifier.RandomInputs(original.Proto.Graph, seed: 0);
        using var a = new OnnxRuntimeRunner(File.ReadAllBytes(input), "a");
        using var b = new OnnxRuntimeRunner(File.ReadAllBytes(run.Output), "b");
        var x = OnnxTensorData.ToFloat32(a.Run(inputs)[0]);
        var y = OnnxTensorData.ToFloat32(b.Run(inputs)[0]);
        Assert.Equal(x.Zip(y).Count(p => p.First != p.Second), output.GetProperty("mismatched").GetInt64());
        var (code, table, _) = CliHarness.Run("compress", input, "--method", "kmeans", "--bits", "4", "--min-size", "100", "-o", Path.Combine(dir, "t.onnx"));
        Assert.Equal(0, code);
        Assert.Contains("elements differing", table);
    }

    [Fact]
    public void Outputs_with_infinities_give_finite_figures_and_valid_json()
    {
        var input = Save("log_relu.onnx", OnnxBadGraphSamples.LogOfRelu());
        var run = Compress(input, "--json");
        Assert.True(run.Code == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var output = Assert.Single(json.RootElement.GetProperty("verification").GetProperty("outputs").EnumerateArray());
        Assert.True(double.IsFinite(output.GetProperty("max_abs").GetDouble()));
        Assert.InRange(output.GetProperty("max_relative").GetDouble(), 1e-6, 1.0);
        // Roughly half of X·W is ≤ 0 (−∞ after the log); only where the sign flipped do the two disagree there.
        Assert.InRange(output.GetProperty("mismatched").GetInt64(), 1, 4 * 32);
    }

    [Fact]
    public void Weights_no_method_can_take_are_left_as_they_were_and_their_nodes_named()
    {
        var input = Save("mixed.onnx", OnnxBadGraphSamples.MixedWeights());
        var run = Compress(input, "--json");
        Assert.True(run.Code == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var untouched = json.RootElement.GetProperty("untouched_nodes").EnumerateArray()
            .Select(u => (u.GetProperty("node").GetString(), u.GetProperty("op_type").GetString(), u.GetProperty("reason").GetString()!)).ToList();
        Assert.Equal(2, untouched.Count);
        Assert.Equal(("widen", "Cast"), (untouched[0].Item1, untouched[0].Item2));
        Assert.Contains("'H' is FLOAT16", untouched[0].Item3);
        Assert.Equal(("ceiling", "Min"), (untouched[1].Item1, untouched[1].Item2));
        Assert.Contains("'N' holds NaN or infinity", untouched[1].Item3);
        var tensors = json.RootElement.GetProperty("tensors").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("encoding").GetString()!);
        Assert.StartsWith("kmeans 4-bit", tensors["W"]);
        Assert.StartsWith("kept", tensors["H"]);
        Assert.StartsWith("kept", tensors["N"]);
        // The untouched tensors are still there, byte for byte.
        var written = OnnxReader.Read(run.Output).Proto.Graph.Initializer;
        var original = OnnxBadGraphSamples.MixedWeights().Graph.Initializer;
        foreach (var name in new[] { "H", "N" })
            Assert.Equal(original.Single(i => i.Name == name), written.Single(i => i.Name == name));

        var (code, table, _) = CliHarness.Run("compress", input, "--method", "kmeans", "--bits", "4", "--min-size", "100", "-o", Path.Combine(dir, "t.onnx"));
        Assert.Equal(0, code);
        Assert.Contains("left as it was: widen (Cast): weight 'H' is FLOAT16", table);
    }

    [Fact]
    public void Dynamic_dims_named_like_a_sequence_get_a_length_that_runs()
    {
        var input = Save("grouped4.onnx", OnnxBadGraphSamples.GroupedSequence(4));
        var run = Compress(input, "--json");
        Assert.True(run.Code == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("random (seed 0); X [1, 8]", json.RootElement.GetProperty("verification").GetProperty("inputs").GetString());
    }

    [Fact]
    public void When_no_guess_runs_one_line_names_the_shapes_tried_and_input_shape_fixes_it()
    {
        var input = Save("grouped5.onnx", OnnxBadGraphSamples.GroupedSequence(5));
        AssertRefused(Compress(input), input, "X [1, 8] | X [1, 1] | X [1, 16]", "--input-shape", "Reshape");

        var run = Compress(input, "--input-shape", "X=2,5", "--json");
        Assert.True(run.Code == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("random (seed 0); X [2, 5]", json.RootElement.GetProperty("verification").GetProperty("inputs").GetString());
    }

    [Theory]
    [InlineData("X=2,a", "dim 'a' is not a whole number")]
    [InlineData("X", "is not NAME=D1,D2")]
    [InlineData("Q=1,5", "'Q', which is not an input of the model (inputs: X)")]
    [InlineData("X=10", "gives input 'X' 1 dims, but the model declares 2")]
    public void Bad_input_shapes_are_one_line_each(string spec, string message)
    {
        var input = Save("grouped5.onnx", OnnxBadGraphSamples.GroupedSequence(5));
        AssertRefused(Compress(input, "--input-shape", spec), message);
    }

    [Fact]
    public void Symbolic_dims_shared_between_inputs_get_one_value_per_guess()
    {
        var graph = new GraphProto();
        graph.Input.Add(OnnxControlFlowSamples.Value("input_ids", TensorProto.Types.DataType.Int64, "batch", "sequence"));
        graph.Input.Add(OnnxControlFlowSamples.Value("attention_mask", TensorProto.Types.DataType.Int64, "batch", "sequence"));
        graph.Input.Add(OnnxControlFlowSamples.Value("pixels", TensorProto.Types.DataType.Float, "batch", 3, "height", "width"));
        long[][] Dims(int guess) => OnnxInputDims.Resolve(graph, OnnxInputShapes.None, guess).Select(d => d.Dims).ToArray();
        Assert.Equal([[1, 8], [1, 8], [1, 3, 1, 1]], Dims(0));
        Assert.Equal([[1, 1], [1, 1], [1, 3, 1, 1]], Dims(1));
        Assert.Equal([[1, 16], [1, 16], [1, 3, 16, 16]], Dims(2));
        var given = OnnxInputShapes.Parse(["input_ids=2,128", "attention_mask=2,128"]);
        Assert.Equal([[2, 128], [2, 128], [1, 3, 1, 1]], OnnxInputDims.Resolve(graph, given, 1).Select(d => d.Dims).ToArray());
    }
}
