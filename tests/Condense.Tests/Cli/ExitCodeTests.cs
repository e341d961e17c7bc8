using System.CommandLine;
using Condense.Cli;

namespace Condense.Tests.Cli;

/// <summary>
/// The exit codes docs/cli.md promises: 0 done, 1 bad input (a <see cref="CondenseException"/>, or
/// a file the system refuses), 2 a command line that does not parse, 70 anything else (a bug).
/// </summary>
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
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("--port", "70000", "condense: error: studio port must be 0–65535, got 70000")]
    [InlineData("--host", "localhost", "condense: error: studio host must be an IP address, got 'localhost'")]
    [InlineData("--max-upload-mb", "0", "condense: error: studio upload limit must be 1 KiB–2 GiB (1024–2147483648 bytes), got 0")]
    public void Bad_studio_options_exit_1_with_one_line_before_anything_listens(string option, string value, string line)
    {
        var (code, stdout, stderr) = CliHarness.Run("studio", option, value);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal(line, stderr.TrimEnd());
    }

    [Theory]
    [InlineData("condense", 1, "condense: error: the model is bad")]
    [InlineData("io", 1, "condense: error: disk full")]
    [InlineData("bug", 70, "condense: internal error: InvalidOperationException: a bug")]
    public void What_a_command_throws_decides_the_exit_code(string kind, int expected, string line)
    {
        var root = new RootCommand("test");
        var fail = new Command("fail");
        fail.SetAction(int (_) => kind switch
        {
            "condense" => throw new CondenseException("the model is bad"),
            "io" => throw new IOException("disk full"),
            _ => throw new InvalidOperationException("a bug"),
        });
        root.Subcommands.Add(fail);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = CliRunner.Run(root, ["fail"], stdout, stderr);

        Assert.Equal(expected, code);
        Assert.Equal("", stdout.ToString());
        Assert.StartsWith(line, stderr.ToString());
        Assert.Single(stderr.ToString().TrimEnd().Split('\n'));   // one line, no stack trace unless CONDENSE_DEBUG=1
    }

    [Fact]
    public void Success_exits_0()
    {
        var (code, stdout, _) = CliHarness.Run("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout);
    }
}
