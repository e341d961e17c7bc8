namespace Condense.Tests.Cli;

/// <summary>The exit codes docs/architecture.md promises: 2 for a command line that does not parse, 1 for bad input.</summary>
public sealed class ExitCodeTests
{
    [Theory]
    [InlineData("nosuchcommand")]
    [InlineData("compress", "m.onnx", "--method", "kmeans", "--bits", "abc", "-o", "x.onnx")]
    [InlineData("fold", "m.onnx")]
    public void A_command_line_that_does_not_parse_exits_2_naming_the_problem(params string[] args)
    {
        var (code, stdout, stderr) = CliHarness.Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("condense: error: ", stderr);
        Assert.Contains("--help", stderr);
    }

    [Fact]
    public void Bad_input_exits_1()
    {
        var (code, _, stderr) = CliHarness.Run("fold", "/nonexistent/m.onnx", "-o", Path.Combine(Path.GetTempPath(), "never-written.onnx"));
        Assert.Equal(1, code);
        Assert.StartsWith("condense: error: ", stderr);
    }
}
