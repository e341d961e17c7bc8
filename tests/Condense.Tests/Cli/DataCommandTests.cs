using System.Text.Json;
using Condense.Formats.Onnx;
using Condense.Tests.Calibration;
using Google.Protobuf;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Tests.Cli;

public class DataCommandTests
{
    static string WriteModel(TempFolder dir, OnnxModel model)
    {
        var path = dir.File("m.onnx");
        File.WriteAllBytes(path, model.Proto.ToByteArray());
        return path;
    }

    [Fact]
    public void Json_reports_counts_shapes_types_and_classes()
    {
        using var dir = new TempFolder();
        var model = WriteModel(dir, TinyModels.Image());
        var photos = Path.Combine(dir.Path, "photos");
        foreach (var (cls, k) in new[] { ("a", 0), ("a", 1), ("b", 2), ("b", 3) })
        {
            Directory.CreateDirectory(Path.Combine(photos, cls));
            File.WriteAllBytes(Path.Combine(photos, cls, $"{k}.png"), PhotoFiles.Uniform(10, 10, (byte)k, 0, 0));
        }
        var (code, stdout, stderr) = CliHarness.Run("data", model, "--data", photos, "--augment", "1", "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(6, root.GetProperty("calibration_count").GetInt32());
        Assert.Equal(2, root.GetProperty("held_out_count").GetInt32());
        Assert.False(root.GetProperty("is_random").GetBoolean());
        Assert.Equal("[1, 3, 8, 8]", root.GetProperty("inputs")[0].GetProperty("shape").GetString());
        Assert.Equal("FLOAT", root.GetProperty("inputs")[0].GetProperty("type").GetString());
        Assert.Equal(2, root.GetProperty("classes").GetArrayLength());
    }

    [Fact]
    public void Text_reports_the_range_of_sequence_lengths_and_random_says_it_means_little()
    {
        using var dir = new TempFolder();
        var model = WriteModel(dir, TinyModels.Text());
        File.WriteAllText(dir.File("v.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\na\nb\n");
        File.WriteAllText(dir.File("s.txt"), "a\na b\na b a b\n");
        var (code, stdout, stderr) = CliHarness.Run("data", model, "--data", dir.File("s.txt"), "--vocab", dir.File("v.txt"), "--held-out", "0");
        Assert.True(code == 0, stderr);
        Assert.Contains("[1, 3..6]", stdout);
        var random = CliHarness.Run("data", model, "--input-shape", "input_ids=1,5", "--calibration-count", "4");
        Assert.Equal(0, random.Code);
        Assert.Contains("mean little", random.Stdout);
    }

    [Theory]
    [InlineData("novocab")]
    [InlineData("empty")]
    [InlineData("badshape")]
    [InlineData("corrupt")]
    public void Bad_data_is_one_line_and_exit_1(string which)
    {
        using var dir = new TempFolder();
        var model = WriteModel(dir, which == "novocab" ? TinyModels.Text() : TinyModels.Image());
        Directory.CreateDirectory(dir.File("empty"));
        File.WriteAllText(dir.File("s.txt"), "a sentence\n");
        Directory.CreateDirectory(dir.File("photos"));
        File.WriteAllBytes(Path.Combine(dir.File("photos"), "good.png"), PhotoFiles.Uniform(9, 9, 1, 2, 3));
        File.WriteAllBytes(Path.Combine(dir.File("photos"), "bad.png"), PhotoFiles.Uniform(9, 9, 1, 2, 3)[..40]);
        string[] args = which switch
        {
            "novocab" => ["data", model, "--data", dir.File("s.txt"), "--vocab", dir.File("missing.txt")],
            "empty" => ["data", model, "--data", dir.File("empty")],
            "corrupt" => ["data", model, "--data", dir.File("photos")],
            _ => ["data", model, "--input-shape", "pixels=1,3,8"],
        };
        var (code, _, stderr) = CliHarness.Run(args);
        Assert.Equal(1, code);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.StartsWith("condense: error: ", stderr);
        if (which == "corrupt") Assert.Contains("bad.png", stderr);
    }
}
