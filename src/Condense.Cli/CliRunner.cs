using System.CommandLine;
using Spectre.Console;

namespace Condense.Cli;

/// <summary>
/// Parses, runs, and turns every error a user can cause into one line on stderr with a
/// non-zero exit code: 1 for bad input or settings, 2 for a command line that does not parse.
/// </summary>
public static class CliRunner
{
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var output = stdout ?? Console.Out;
        var error = stderr ?? Console.Error;
        var root = CommandTree.Build();
        var parsed = root.Parse(args);
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return parsed.Invoke(config);
        }
        catch (CondenseException ex)
        {
            error.WriteLine($"condense: error: {OneLine(ex.Message)}");
            return 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"condense: error: {OneLine(ex.Message)}");
            return 1;
        }
    }

    static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
