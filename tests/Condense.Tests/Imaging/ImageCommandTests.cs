using System.Text.Json;
using Condense.Cli;
using Condense.Imaging;

namespace Condense.Tests.Imaging;

public sealed class ImageCommandTests : IDisposable
{
    readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("condense-image-");

    public void Dispose() => _dir.Delete(recursive: true);

    string PathOf(string name) => Path.Combine(_dir.FullName, name);

    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        var code = CliRunner.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void WritesTheIndexedPngAndErrorMapAndReportsTheirSizes()
    {
        var (code, stdout, stderr) = Run("image", "sample:chelsea", "--colors", "8", "-o", PathOf("q.png"), "--error-map", PathOf("e.png"), "--seed", "3", "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(new FileInfo(PathOf("q.png")).Length, root.GetProperty("png_bytes").GetInt64());
        Assert.Equal(new FileInfo(PathOf("e.png")).Length, root.GetProperty("error_map_bytes").GetInt64());
        Assert.Equal(451 * 300 * 3, root.GetProperty("raw_rgb_bytes").GetInt64());

        var expected = new ColorQuantizer(new ColorQuantizerOptions { Colors = 8, Seed = 3 }).Quantize(SampleImages.Load("chelsea"));
        Assert.Equal(expected.MeanError, root.GetProperty("mean_error").GetDouble(), 12);
        Assert.Equal(IndexedPngWriter.Encode(expected), File.ReadAllBytes(PathOf("q.png")));
        Assert.Equal(expected.Reconstruct().Pixels, ImageDecoder.Decode(PathOf("q.png")).Pixels);
    }

    [Fact]
    public void TablePrintsTheFigures()
    {
        var (code, stdout, stderr) = Run("image", "sample:coffee", "-k", "16", "-o", PathOf("c.png"));
        Assert.True(code == 0, stderr);
        Assert.Contains("mean error", stdout);
        Assert.Contains("indexed PNG bytes", stdout);
        Assert.Contains($"{new FileInfo(PathOf("c.png")).Length:N0}", stdout);
    }

    [Fact]
    public void SameSeedGivesTheSameBytes()
    {
        Assert.Equal(0, Run("image", "sample:coffee", "-k", "32", "--seed", "9", "-o", PathOf("a.png")).Code);
        Assert.Equal(0, Run("image", "sample:coffee", "-k", "32", "--seed", "9", "-o", PathOf("b.png")).Code);
        Assert.Equal(File.ReadAllBytes(PathOf("a.png")), File.ReadAllBytes(PathOf("b.png")));
    }

    [Fact]
    public void SweepPrintsEachKAndDrawsThePlot()
    {
        var (code, stdout, stderr) = Run("image", "sample:chelsea", "--sweep", "1,2,4,16", "--plot", PathOf("curve.png"), "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal([1, 2, 4, 16], runs.Select(r => r.GetProperty("k").GetInt32()));
        var errors = runs.Select(r => r.GetProperty("mean_error").GetDouble()).ToArray();
        Assert.True(errors[0] > errors[1] && errors[1] > errors[2] && errors[2] > errors[3]);
        var plot = ImageDecoder.Decode(PathOf("curve.png"));
        Assert.True(plot.Width > 100 && plot.Height > 100);
    }

    public static TheoryData<string, byte[], string> HostileFiles() => new()
    {
        { "truncated.png", SampleImages.LoadPng("chelsea")[..5000], "truncated" },
        { "corrupt.png", [.. PngBytes.Signature, .. new byte[300]], "" },
        { "zero.png", PngBytes.WithHeader(0, 0), "" },
        { "huge.png", PngBytes.WithHeader(100_000, 100_000), "limit" },
        { "image.bmp", PngBytes.Bmp(), "unsupported" },
        { "empty.png", [], "empty" },
    };

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void HostileInputGivesOneLineAnErrorCodeAndNoOutput(string name, byte[] bytes, string mentions)
    {
        var input = PathOf(name);
        File.WriteAllBytes(input, bytes);
        var (code, stdout, stderr) = Run("image", input, "--colors", "8", "-o", PathOf("out.png"), "--error-map", PathOf("err.png"));
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("condense: error: ", line);
        Assert.Contains(input, line);
        Assert.Contains(mentions, line);
        Assert.Equal([input], Directory.GetFiles(_dir.FullName));
        Assert.Equal(bytes, File.ReadAllBytes(input));
    }

    [Theory]
    [InlineData("--colors", "0")]
    [InlineData("--colors", "300")]
    [InlineData("--sweep", "1,2,x")]
    public void BadSettingsAreRefusedBeforeAnyWork(string option, string value)
    {
        var args = option == "--colors" ? new[] { "image", "sample:chelsea", option, value, "-o", PathOf("o.png") } : ["image", "sample:chelsea", option, value, "--plot", PathOf("p.png")];
        var (code, _, stderr) = Run(args);
        Assert.NotEqual(0, code);
        Assert.Contains(value.Split(',').Last(), stderr);
        Assert.Empty(Directory.GetFiles(_dir.FullName));
    }

    [Fact]
    public void BenchImageReportsCondenseFiguresAndTheIssuesWithoutPeers()
    {
        var (code, stdout, stderr) = Run("bench", "image", "--images", "chelsea", "--k", "8", "--repeat", "1", "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var row = Assert.Single(json.RootElement.GetProperty("rows").EnumerateArray());
        Assert.Equal(8, row.GetProperty("k").GetInt32());
        var expected = ColorQuantizer.Quantize(SampleImages.Load("chelsea"), 8).MeanError;
        Assert.Equal(expected, row.GetProperty("condense_mean_error").GetDouble(), 12);
        Assert.Equal("none", row.GetProperty("peer_source").GetString());
    }

    [Fact]
    public void MissingFileIsOneLine()
    {
        var (code, _, stderr) = Run("image", PathOf("nope.png"), "-k", "4");
        Assert.Equal(1, code);
        Assert.Contains("nope.png", stderr);
    }
}
