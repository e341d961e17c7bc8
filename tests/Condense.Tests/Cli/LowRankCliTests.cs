using System.Text.Json;

namespace Condense.Tests.Cli;

public class LowRankCliTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-lowrank-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SweepPrintsJsonAndWritesBothPlots()
    {
        var model = Path.Combine(_dir, "lenet.safetensors");
        var (code, _, stderr) = CliHarness.Run("train", "--model", "lenet300", "--epochs", "1", "--seed", "2", "-o", model, "--json");
        Assert.True(code == 0, stderr);
        var plot = Path.Combine(_dir, "acc.png");
        (code, var stdout, stderr) = CliHarness.Run("lowrank", model, "--layer", "fc2", "--ranks", "5,50,100", "--randomized", "--plot", plot, "--json");
        Assert.True(code == 0, stderr);
        var root = JsonDocument.Parse(stdout).RootElement;
        var points = root.GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal(new[] { 5, 50, 100 }, points.Select(p => p.GetProperty("rank").GetInt32()));
        Assert.Equal(5 * 400, points[0].GetProperty("parameters").GetInt64());
        Assert.Equal(root.GetProperty("full_accuracy").GetDouble(), points[2].GetProperty("test_accuracy").GetDouble(), 3);
        Assert.Contains("does not compress", root.GetProperty("notes")[0].GetString());
        Assert.Equal(100, root.GetProperty("singular_values").GetArrayLength());
        foreach (var png in new[] { plot, Path.Combine(_dir, "acc-spectrum.png") })
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);
    }

    [Theory]
    [InlineData("--ranks", "0", "'0' is not a positive whole number")]
    [InlineData("--layer", "fc7", "no layer 'fc7'")]
    public void BadArgumentsGiveOneLine(string option, string value, string message)
    {
        var model = Path.Combine(_dir, "lenet.safetensors");
        var (code, _, stderr) = CliHarness.Run("train", "--model", "lenet300", "--epochs", "1", "-o", model);
        Assert.Equal(0, code);
        (code, _, stderr) = CliHarness.Run("lowrank", model, option, value);
        Assert.Equal(1, code);
        Assert.Contains(message, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
