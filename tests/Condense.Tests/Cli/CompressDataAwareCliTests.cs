using System.Text.Json;
using Condense.Formats.Npy;
using Condense.Formats.Onnx;
using Condense.Tests.Workflows;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Tests.Cli;

public sealed class CompressDataAwareCliTests
{
    [Fact]
    public void Compress_with_data_reports_every_layer_in_json_and_writes_a_smaller_model()
    {
        using var dir = new TempDir();
        var model = dir.File("tiny.onnx");
        OnnxWriter.Write(model, TinyOnnxModels.ConvNet());
        var rng = new Random(7);
        var x = Enumerable.Range(0, 40 * 4 * 64).Select(_ => (float)rng.NextDouble()).ToArray();
        var bytes = new byte[x.Length * 4];
        Buffer.BlockCopy(x, 0, bytes, 0, bytes.Length);
        NpyWriter.Write(dir.File("x.npy"), new NpyArray("x", DataType.Float, [40, 4, 8, 8], bytes));
        var output = dir.File("out.onnx");
        var (code, stdout, stderr) = CliHarness.Run("compress", model, "--method", "linear", "--bits", "4", "--block", "12",
            "--min-size", "0", "--data", dir.File("x.npy"), "--json", "-o", output);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("gptq", root.GetProperty("mode").GetString());
        Assert.Equal(4, root.GetProperty("layers").GetArrayLength());
        Assert.All(root.GetProperty("layers").EnumerateArray(), l => Assert.Contains("block 12", l.GetProperty("encoding").GetString()));
        Assert.True(root.GetProperty("bytes_after").GetInt64() < root.GetProperty("bytes_before").GetInt64());
        Assert.Equal(new FileInfo(output).Length, root.GetProperty("bytes_after").GetInt64());
        // The file's error on held-out samples (never calibrated on) is beside it, and the data is the user's.
        Assert.False(root.GetProperty("random_data").GetBoolean());
        Assert.Equal(10, root.GetProperty("held_out_samples").GetInt32());
        Assert.InRange(root.GetProperty("quality").GetDouble(), 0.5, 1.0);

        // The table says it too, without the random-inputs note.
        var (code2, table, stderr2) = CliHarness.Run("compress", model, "--method", "linear", "--bits", "4",
            "--min-size", "0", "--data", dir.File("x.npy"), "-o", dir.File("out2.onnx"));
        Assert.True(code2 == 0, stderr2);
        Assert.Contains("held-out", table);
        Assert.DoesNotContain("RANDOM", table);
        Assert.DoesNotContain("random inputs", table);
    }

    [Fact]
    public void Blocks_without_data_are_refused_and_nothing_is_written()
    {
        using var dir = new TempDir();
        var model = dir.File("tiny.onnx");
        OnnxWriter.Write(model, TinyOnnxModels.ConvNet());
        var (code, _, stderr) = CliHarness.Run("compress", model, "--method", "linear", "--bits", "4", "--block", "32", "-o", dir.File("o.onnx"));
        Assert.Equal(1, code);
        Assert.Contains("--block needs --data", stderr);
        Assert.False(File.Exists(dir.File("o.onnx")));
    }
}
