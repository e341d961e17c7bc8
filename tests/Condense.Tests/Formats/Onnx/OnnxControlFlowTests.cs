using System.Text.Json;
using Condense.Formats.Onnx;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Tests.Formats.Onnx;

/// <summary>Weights inside If/Loop/Scan bodies: listed, compressed in place, and the model still runs close to the original.</summary>
public sealed class OnnxControlFlowTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-onnx-flow").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static TensorProto Bool(string name, bool value) => OnnxTensorData.Raw(name, DataType.Bool, [value ? (byte)1 : (byte)0], []);

    static TensorProto Normal(string name, int seed, params long[] dims) =>
        OnnxTensorData.FromFloat32(name, OnnxControlFlowSamples.Weights((int)dims.Aggregate(1L, (a, b) => a * b), seed), dims);

    static IReadOnlyList<TensorProto> Run(ModelProto model, IReadOnlyList<TensorProto> inputs)
    {
        using var runner = new OnnxRuntimeRunner(model.ToByteArray(), "test");
        return runner.Run(inputs);
    }

    static double RelativeError(TensorProto a, TensorProto b)
    {
        var x = OnnxTensorData.ToFloat32(a);
        var y = OnnxTensorData.ToFloat32(b);
        Assert.Equal(x.Length, y.Length);
        double num = 0, den = 0;
        for (int i = 0; i < x.Length; i++) { num += (x[i] - y[i]) * (double)(x[i] - y[i]); den += x[i] * (double)x[i]; }
        return Math.Sqrt(num / den);
    }

    [Fact]
    public void Parameters_of_every_body_are_listed_with_the_path_of_their_graph()
    {
        var ifModel = OnnxControlFlowSamples.Read(OnnxControlFlowSamples.If(), "if");
        Assert.Equal(["choose/then_branch", "choose/else_branch"], ifModel.Parameters.Select(p => p.GraphPath));
        Assert.All(ifModel.Parameters, p => Assert.Equal("W", p.Name));

        var loop = OnnxControlFlowSamples.Read(OnnxControlFlowSamples.Loop(), "loop");
        Assert.Equal(["/trips", "Loop_3/body/W", "Loop_3/body/B", "Loop_3/body/body_if/then_branch/V"],
            loop.Parameters.Select(p => $"{p.GraphPath}/{p.Name}"));
        Assert.Equal(OnnxParameterSource.ConstantNode, loop.Parameters[^1].Source);
        Assert.Equal(64 * 64 * 2 + 64 + 1, loop.Parameters.Sum(p => p.ElementCount));
    }

    [Theory]
    [InlineData("kmeans", 4)]
    [InlineData("linear", 8)]
    public void If_branches_are_compressed_in_place_and_both_run_close_to_the_original(string method, int bits)
    {
        var original = OnnxControlFlowSamples.If();
        var options = method == "kmeans"
            ? new OnnxCompressionOptions(OnnxCompressionMethod.KMeans, bits, MinSize: 1000)
            : new OnnxCompressionOptions(OnnxCompressionMethod.Linear, bits, PerChannel: true, MinSize: 1000);
        var result = OnnxCompressor.Compress(OnnxControlFlowSamples.Read(original, "if"), options);

        Assert.Equal(2, result.Tensors.Count(t => t.Compressed));
        Assert.Equal(["choose/then_branch", "choose/else_branch"], result.Tensors.Select(t => t.GraphPath));
        Assert.True(result.Ratio < 0.4, $"ratio {result.Ratio:F3}");
        // The decoder sits inside each branch and still yields "W" there; the branch keeps no dense W.
        var node = Assert.Single(result.Model.Graph.Node);
        foreach (var branch in node.Attribute.Select(a => a.G))
        {
            Assert.DoesNotContain(branch.Initializer, i => i.Name == "W");
            Assert.Contains(branch.Node, n => n.Output.Contains("W"));
        }
        // The rewritten model passes the reader's checks.
        OnnxReader.Parse(result.Model.ToByteArray(), "if (compressed)");

        foreach (var c in new[] { true, false })
        {
            TensorProto[] inputs = [Normal("X", 5, 2, 64), Bool("C", c)];
            var before = Run(original, inputs)[0];
            var after = Run(result.Model, inputs)[0];
            var error = RelativeError(before, after);
            Assert.InRange(error, 1e-6, method == "kmeans" ? 0.15 : 0.02);
        }
        // Each branch kept its own weights: the two outputs still differ as much as before.
        var then = Run(result.Model, [Normal("X", 5, 2, 64), Bool("C", true)])[0];
        var other = Run(result.Model, [Normal("X", 5, 2, 64), Bool("C", false)])[0];
        Assert.True(RelativeError(then, other) > 0.5);
    }

    [Fact]
    public void Loop_body_and_a_nested_branch_are_compressed_and_the_loop_runs_close_to_the_original()
    {
        var original = OnnxControlFlowSamples.Loop();
        var result = OnnxCompressor.Compress(OnnxControlFlowSamples.Read(original, "loop"),
            new OnnxCompressionOptions(OnnxCompressionMethod.KMeans, 6, MinSize: 1000));
        Assert.Equal(["Loop_3/body/W", "Loop_3/body/body_if/then_branch/V"],
            result.Tensors.Where(t => t.Compressed).Select(t => $"{t.GraphPath}/{t.Name}"));
        Assert.True(result.Ratio < 0.5, $"ratio {result.Ratio:F3}");
        OnnxReader.Parse(result.Model.ToByteArray(), "loop (compressed)");
        TensorProto[] inputs = [Normal("X", 6, 2, 64), Bool("keep", true)];
        Assert.InRange(RelativeError(Run(original, inputs)[0], Run(result.Model, inputs)[0]), 1e-6, 0.1);
        // keep = false: the loop runs no iteration, so the weights never apply and X comes back exactly.
        TensorProto[] skip = [Normal("X", 6, 2, 64), Bool("keep", false)];
        Assert.Equal(0, RelativeError(Run(original, skip)[0], Run(result.Model, skip)[0]));
        var verification = OnnxVerifier.Compare(original, result.Model, "loop");
        Assert.StartsWith("random (seed 0)", verification.InputSource);
    }

    [Fact]
    public void Scan_body_is_compressed_and_every_step_runs_close_to_the_original()
    {
        var original = OnnxControlFlowSamples.Scan();
        var result = OnnxCompressor.Compress(OnnxControlFlowSamples.Read(original, "scan"),
            new OnnxCompressionOptions(OnnxCompressionMethod.Fp16, MinSize: 1000));
        var w = Assert.Single(result.Tensors);
        Assert.Equal(("scan/body", "fp16"), (w.GraphPath, w.Encoding));
        Assert.InRange((double)w.BytesAfter / w.BytesBefore, 0.45, 0.55);
        TensorProto[] inputs = [Normal("S", 7, 64), Normal("X", 8, 5, 64)];
        var before = Run(original, inputs);
        var after = Run(result.Model, inputs);
        Assert.Equal(2, after.Count);
        Assert.Equal(before[1].Dims, after[1].Dims);
        Assert.InRange(RelativeError(before[1], after[1]), 1e-7, 1e-3);
    }

    [Fact]
    public void Info_and_compress_show_body_weights_with_their_graph()
    {
        var input = Path.Combine(dir, "loop.onnx");
        OnnxWriter.Write(input, OnnxControlFlowSamples.Loop());
        var (code, stdout, stderr) = CliHarness.Run("info", input, "--json");
        Assert.True(code == 0, stderr);
        using (var json = JsonDocument.Parse(stdout))
        {
            var tensors = json.RootElement.GetProperty("tensors").EnumerateArray().ToList();
            Assert.Equal(4, tensors.Count);
            Assert.Equal("Loop_3/body", tensors[1].GetProperty("graph").GetString());
            Assert.Equal(64 * 64 * 2 + 64 + 1, json.RootElement.GetProperty("parameters").GetInt64());
        }
        var (tcode, table, _) = CliHarness.Run("info", input);
        Assert.Equal(0, tcode);
        Assert.Contains("Loop_3/body/body_if/then_branch/V", table);
        Assert.Contains("4 parameter tensors, 8,257 elements", table);

        var output = Path.Combine(dir, "loop.small.onnx");
        (code, stdout, stderr) = CliHarness.Run("compress", input, "--method", "kmeans", "--bits", "4", "-o", output, "--json");
        Assert.True(code == 0, stderr);
        using var result = JsonDocument.Parse(stdout);
        Assert.True(result.RootElement.GetProperty("ratio").GetDouble() < 0.5);
        Assert.Contains(result.RootElement.GetProperty("tensors").EnumerateArray(),
            t => t.GetProperty("graph").GetString() == "Loop_3/body" && t.GetProperty("encoding").GetString()!.StartsWith("kmeans 4-bit"));
    }
}
