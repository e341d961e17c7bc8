using Condense.Cli;

namespace Condense.Tests;

/// <summary>Runs the real CLI in-process with captured output.</summary>
public static class CliHarness
{
    public static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliRunner.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
