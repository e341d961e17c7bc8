using System.Text.Json;

namespace Condense.Tests.Cli;

/// <summary>
/// Issue 22: every compressing command writes the model it measured. Each command's <c>-o</c> file
/// is read back by <c>condense eval</c>, whose accuracy must be the one the command reported (the
/// same network, up to float rounding: a factorised layer multiplies by V then U, the sweep by U·V).
/// </summary>
[Trait("Category", "Slow")]
public class ModelFileOutputCliTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-model-output-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Teacher()
    {
        var path = Path.Combine(_dir, "lenet.safetensors");
        var (code, _, stderr) = CliHarness.Run("train", "--model", "lenet300", "--epochs", "1", "--seed", "4", "-o", path);
        Assert.True(code == 0, stderr);
        return path;
    }

    static JsonElement Eval(string path)
    {
        var (code, stdout, stderr) = CliHarness.Run("eval", path, "--json");
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement;
    }

    [Fact]
    public void LowrankWritesTheFactorisedModelItScored()
    {
        var model = Teacher();
        var output = Path.Combine(_dir, "fc2-rank20.safetensors");
        var (code, stdout, stderr) = CliHarness.Run("lowrank", model, "--layer", "fc2", "--ranks", "20", "-o", output, "--json");
        Assert.True(code == 0, stderr);
        var point = JsonDocument.Parse(stdout).RootElement.GetProperty("points")[0];
        var full = Eval(model).GetProperty("accuracy").GetDouble();
        var eval = Eval(output);
        Assert.Equal("FactorizedMlp", eval.GetProperty("architecture").GetString());
        var accuracy = eval.GetProperty("accuracy").GetDouble();
        Assert.Equal(point.GetProperty("test_accuracy").GetDouble(), accuracy, 0.0005);
        Assert.NotEqual(full, accuracy); // rank 20 of 100 changes the network: the file is not the input copied
        // fc2 (300→100) stored as factors: 20·(300 + 100) = 8,000 floats in place of 30,000, so 88,000 bytes fewer
        // (give or take the metadata header).
        var saved = new FileInfo(model).Length - eval.GetProperty("bytes").GetInt64();
        Assert.InRange(saved, 88_000 - 1_024, 88_000 + 1_024);
        Assert.Empty(Directory.EnumerateFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void LowrankOutputNeedsOneRank()
    {
        var model = Teacher();
        var (code, _, stderr) = CliHarness.Run("lowrank", model, "--ranks", "5,10", "-o", Path.Combine(_dir, "x.safetensors"));
        Assert.Equal(1, code);
        Assert.Contains("exactly one rank", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void DistillWritesTheFirstSeedsDistilledStudent()
    {
        var teacher = Teacher();
        var output = Path.Combine(_dir, "student.safetensors");
        var (code, stdout, stderr) = CliHarness.Run("distill", "--teacher", teacher, "--student", "784-30-10", "--seeds", "1", "--epochs", "1",
            "--shift", "0", "--seed", "7", "-o", output, "--json");
        Assert.True(code == 0, stderr);
        var seed = JsonDocument.Parse(stdout).RootElement.GetProperty("seeds")[0];
        var eval = Eval(output);
        Assert.Equal(seed.GetProperty("distilled").GetDouble(), eval.GetProperty("accuracy").GetDouble(), 1e-9);
        Assert.InRange(eval.GetProperty("bytes").GetInt64(), 4 * (784 * 30 + 30 + 30 * 10 + 10), 4 * (784 * 30 + 30 + 30 * 10 + 10) + 4_096);
    }

    [Fact]
    public void DistillRefusesToOverwriteTheTeacher()
    {
        var teacher = Teacher();
        var before = File.ReadAllBytes(teacher);
        var (code, _, stderr) = CliHarness.Run("distill", "--teacher", teacher, "--seeds", "1", "--epochs", "1", "-o", teacher);
        Assert.Equal(1, code);
        Assert.Contains("would overwrite the input", stderr);
        Assert.Equal(before, File.ReadAllBytes(teacher));
    }

    [Fact]
    public void HashWritesTheHashedNetworkWithItsDataSet()
    {
        var output = Path.Combine(_dir, "hashed.safetensors");
        var (code, stdout, stderr) = CliHarness.Run("hash", "--model", "lenet300", "--factor", "8", "--epochs", "1", "-o", output, "--json");
        Assert.True(code == 0, stderr);
        var row = JsonDocument.Parse(stdout).RootElement.GetProperty("rows")[0];
        var eval = Eval(output);
        // The card records the data set, so eval scores the split the command did whatever the default.
        using (var reader = Condense.Formats.SafetensorsReader.Open(output))
            Assert.Equal("mnist10k", reader.Metadata["dataset"]);
        Assert.Equal(row.GetProperty("accuracy").GetDouble(), eval.GetProperty("accuracy").GetDouble(), 1e-9);
    }
}
