using System.Text.Json;
using Condense.Formats.Onnx;

namespace Condense.Tests.Formats.Onnx;

public sealed class OnnxCompressCommandTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-onnx-cli").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("kmeans", "4", "kmeans 4-bit")]
    [InlineData("linear", "8", "linear 8-bit per-axis 0")]
    [InlineData("fp16", "16", "fp16")]
    public void Compress_json_reports_tensors_totals_and_verifier_differences(string method, string bits, string encoding)
    {
        var model = OnnxSamples.Linear(out _, rows: 128, cols: 96);
        var input = Path.Combine(dir, "in.onnx");
        OnnxWriter.Write(input, model.Proto);
        var before = File.ReadAllBytes(input);
        var output = Path.Combine(dir, $"out-{method}.onnx");
        string[] args = ["compress", input, "--method", method, "--bits", bits, "--min-size", "1000", "-o", output, "--json"];
        if (method == "linear") args = [.. args, "--per-channel"];
        var (code, stdout, stderr) = CliHarness.Run(args);
        Assert.True(code == 0, stderr);
        Assert.Equal(before, File.ReadAllBytes(input));

        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(new FileInfo(output).Length, root.GetProperty("bytes_after").GetInt64());
        Assert.True(root.GetProperty("ratio").GetDouble() < (method == "fp16" ? 0.6 : 0.35));
        var tensors = root.GetProperty("tensors").EnumerateArray().ToList();
        var w = tensors.Single(t => t.GetProperty("name").GetString() == "W");
        Assert.StartsWith(encoding, w.GetProperty("encoding").GetString());
        Assert.StartsWith("kept", tensors.Single(t => t.GetProperty("name").GetString() == "B").GetProperty("encoding").GetString());
        var diff = root.GetProperty("verification").GetProperty("outputs")[0];
        Assert.Equal("Y", diff.GetProperty("name").GetString());
        Assert.InRange(diff.GetProperty("max_relative").GetDouble(), 1e-9, 0.1);
        Assert.StartsWith("random", root.GetProperty("verification").GetProperty("inputs").GetString());
        // Without --data the file's error is measured on random inputs, and the report says so.
        var measured = root.GetProperty("measured");
        Assert.True(measured.GetProperty("random_inputs").GetBoolean());
        Assert.Contains("random inputs, not your data", measured.GetProperty("note").GetString());
        Assert.InRange(measured.GetProperty("relative_error").GetDouble(), 1e-9, 0.2);
        Assert.InRange(measured.GetProperty("cosine").GetDouble(), 0.98, 1.0);
        Assert.Equal(JsonValueKind.Null, measured.GetProperty("warning").ValueKind);

        // The file written is a valid model ONNX Runtime runs.
        var reread = OnnxReader.Read(output);
        using var runner = new OnnxRuntimeRunner(File.ReadAllBytes(output), output);
        Assert.Single(runner.Run(OnnxVerifier.RandomInputs(reread.Proto.Graph, seed: 1)));
    }

    [Fact]
    public void Compress_prints_a_table_with_totals()
    {
        var input = Path.Combine(dir, "in.onnx");
        OnnxWriter.Write(input, OnnxSamples.Linear(out _, rows: 64, cols: 64).Proto);
        var (code, stdout, stderr) = CliHarness.Run("compress", input, "--method", "kmeans", "--bits", "8", "-o", Path.Combine(dir, "o.onnx"));
        Assert.True(code == 0, stderr);
        Assert.Contains("kmeans 8-bit", stdout);
        Assert.Contains("ratio", stdout);
        Assert.Contains("original vs compressed", stdout);
        Assert.Contains("RANDOM INPUTS: relative output error", stdout);
        Assert.Contains("give data for the held-out error", stdout);
    }

    [Theory]
    [InlineData("--method", "zip", "unknown method 'zip'")]
    [InlineData("--bits", "9", "k-means bits must be 1–8, got 9")]
    [InlineData("--per-channel", null, "per-channel scales apply to linear quantization only, not k-means")]
    public void Bad_options_fail_before_reading_with_one_line(string option, string? value, string message)
    {
        var output = Path.Combine(dir, "o.onnx");
        string[] args = option == "--method"
            ? ["compress", "missing.onnx", "--method", value!, "-o", output]
            : value is null ? ["compress", "missing.onnx", "--method", "kmeans", option, "-o", output]
            : ["compress", "missing.onnx", "--method", "kmeans", option, value, "-o", output];
        var (code, _, stderr) = CliHarness.Run(args);
        Assert.Equal(1, code);
        Assert.Contains(message, stderr);
        Assert.False(File.Exists(output));
    }
}
