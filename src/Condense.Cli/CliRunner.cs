using System.CommandLine;
using Spectre.Console;

namespace Condense.Cli;

/// <summary>
/// Parses, runs, and turns every error a user can cause into one line on stderr with a
/// non-zero exit code: 1 for bad input or settings, 2 for a command line that does not parse,
/// 70 (EX_SOFTWARE) for a bug in Condense itself — said in one line too, with the stack trace only
/// when <c>CONDENSE_DEBUG=1</c>, so a user sees what failed rather than a wall of frames.
/// </summary>
public static class CliRunner
{
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null) =>
        Run(CommandTree.Build(), args, stdout, stderr);

    /// <summary>Runs <paramref name="args"/> against <paramref name="root"/>; tests hand in a tree whose command fails on purpose.</summary>
    internal static int Run(RootCommand root, string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var output = stdout ?? Console.Out;
        var error = stderr ?? Console.Error;
        if (Environment.GetEnvironmentVariable("CONDENSE_DEBUG") == "1") Formats.Onnx.OnnxRuntimeEnvironment.Echo = line => error.WriteLine($"condense: {line}");
        var parsed = root.Parse(args);
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors) error.WriteLine($"condense: error: {OneLine(problem.Message)}");
            error.WriteLine($"Try '{string.Join(' ', CommandPath(parsed.CommandResult).Prepend("condense"))} --help'.");
            return ParseError;
        }
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
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error.WriteLine($"condense: internal error: {ex.GetType().Name}: {OneLine(ex.Message)} (a bug in Condense: please report the command; CONDENSE_DEBUG=1 prints the stack trace)");
            if (Environment.GetEnvironmentVariable("CONDENSE_DEBUG") == "1") error.WriteLine(ex);
            return InternalError;
        }
    }

    /// <summary>Exit code of a command line that does not parse.</summary>
    public const int ParseError = 2;

    static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (var r = result; r is not null && r.Command is not RootCommand; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Push(r.Command.Name);
        return names;
    }

    /// <summary>Exit code of an unexpected exception (sysexits.h EX_SOFTWARE).</summary>
    public const int InternalError = 70;

    static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
