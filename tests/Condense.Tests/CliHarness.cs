using System.Text.Json;
using Condense.Cli;
using Condense.Tests.Cli;

namespace Condense.Tests;

/// <summary>
/// Runs the real CLI in-process with captured output. Every successful run with <c>--json</c>
/// is also held to the JSON casing rule (<see cref="JsonKeys"/>), so each command a test runs
/// with <c>--json</c> checks that its keys are snake_case and that its ratios mean compressed ÷
/// original (<see cref="JsonRatios"/>).
/// </summary>
public static class CliHarness
{
    public static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliRunner.Run(args, stdout, stderr);
        var output = stdout.ToString();
        if (code == 0 && args.Contains("--json"))
        {
            AssertSnakeCase(args, output);
            AssertRatios(args, output);
            Dump(args, output);
        }
        return (code, output, stderr.ToString());
    }

    /// <summary>
    /// With CONDENSE_JSON_DUMP=FOLDER, keeps each command's JSON there (one file per run, named by
    /// the command words): the material docs/cli.md's key lists are checked against.
    /// </summary>
    static void Dump(string[] args, string output)
    {
        if (Environment.GetEnvironmentVariable("CONDENSE_JSON_DUMP") is not { Length: > 0 } folder) return;
        Directory.CreateDirectory(folder);
        var name = string.Join('-', args.TakeWhile(a => !a.StartsWith('-') && !a.Contains('/') && !a.Contains('.') && !a.Contains(':')).Take(2));
        File.WriteAllText(Path.Combine(folder, $"{name}-{Guid.NewGuid():N}.json"), output);
    }

    /// <summary>Fails when the command's JSON breaks the one meaning of "ratio" (compressed ÷ original; <see cref="JsonRatios"/>).</summary>
    static void AssertRatios(string[] args, string output)
    {
        IReadOnlyList<string> offences;
        try
        {
            offences = JsonRatios.Offences(output);
        }
        catch (JsonException)
        {
            return;
        }
        Assert.True(offences.Count == 0, $"condense {string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')).Take(2))} --json: {string.Join("; ", offences.Take(5))}");
    }

    /// <summary>Fails when the command's JSON has a camelCase or PascalCase key; output that is not one JSON document is left to the test.</summary>
    static void AssertSnakeCase(string[] args, string output)
    {
        IReadOnlyList<string> offences;
        try
        {
            offences = JsonKeys.NotSnakeCase(output);
        }
        catch (JsonException)
        {
            return;
        }
        Assert.True(offences.Count == 0, $"condense {string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')).Take(2))} --json: keys not in snake_case (docs/cli.md): {string.Join(", ", offences.Take(10))}");
    }
}
