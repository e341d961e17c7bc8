using System.Text.Json;
using Condense.Tests.Graph;
using Google.Protobuf;

namespace Condense.Tests.Cli;

public sealed class CompressRuntimeCliTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-rt-cli-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    string TinyModel()
    {
        var (model, _, _) = TinyModels.MatMulAdd(128, 64, seed: 2);
        var path = Path.Combine(dir, "mm.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    [Theory]
    [InlineData("int8-dynamic", "DynamicQuantizeMatMul")]
    [InlineData("nbits", "MatMulNBits")]
    public void Compress_writes_the_runtime_encoding_and_measures_both_files(string method, string op)
    {
        var input = TinyModel();
        var output = Path.Combine(dir, $"{method}.onnx");
        var (code, stdout, stderr) = CliHarness.Run("compress", input, "--method", method, "--bits", "4", "--block", "32", "--batch", "4", "-o", output, "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.True(root.GetProperty("runtime_ops").TryGetProperty(op, out _), stdout);
        var timing = root.GetProperty("timing").EnumerateArray().ToList();
        // batch 1 and batch 4, each at 1 and 2 threads, original and result alike.
        Assert.Equal(4, timing.Count);
        Assert.Equal([1, 1, 4, 4], timing.Select(t => t.GetProperty("batch").GetInt32()));
        Assert.All(timing, t => Assert.True(t.GetProperty("original_ms").GetDouble() > 0 && t.GetProperty("result_ms").GetDouble() > 0));
        // A slower result is always flagged in the warnings, never silent.
        var slower = timing.Count(t => t.GetProperty("slower").GetBoolean());
        Assert.Equal(slower, root.GetProperty("warnings").EnumerateArray().Count(w => w.GetString()!.StartsWith("SLOWER", StringComparison.Ordinal)));
        var agreement = root.GetProperty("agreement").EnumerateArray().Single();
        Assert.True(agreement.GetProperty("mean_cosine").GetDouble() > 0.99);
        Assert.True(File.Exists(output));
        // Without --data, nbits keeps round-to-nearest and says why (GPTQ needs real inputs).
        if (method == "nbits")
        {
            var nbits = root.GetProperty("nbits");
            Assert.Equal("round-to-nearest", nbits.GetProperty("rounding").GetString());
            Assert.Contains("--data", nbits.GetProperty("reason").GetString());
            Assert.Equal(JsonValueKind.Null, nbits.GetProperty("held_out_cosine").ValueKind);
        }
        else Assert.Equal(JsonValueKind.Null, root.GetProperty("nbits").ValueKind);
    }

    [Fact]
    public void A_bit_width_the_runtime_cannot_run_is_one_line_and_writes_nothing()
    {
        var input = TinyModel();
        var output = Path.Combine(dir, "bad.onnx");
        var (code, _, stderr) = CliHarness.Run("compress", input, "--method", "nbits", "--bits", "3", "-o", output);
        Assert.Equal(1, code);
        Assert.Contains("--bits", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(output));
    }
}
