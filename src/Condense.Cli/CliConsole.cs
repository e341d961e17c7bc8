using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Condense.Cli;

/// <summary>
/// The console a command writes to: Spectre.Console over the invocation's output writer, so
/// tests capture everything, and plain (no colours, no live progress) when output is redirected.
/// </summary>
public static class CliConsole
{
    /// <summary>
    /// The one JSON style of every command's <c>--json</c> and report file: snake_case keys
    /// (properties of typed reports and anonymous objects alike), enums as snake_case strings,
    /// NaN and ±Infinity as the strings JSON allows, indented. docs/cli.md documents each
    /// command's keys; tests/Condense.Tests/Cli/JsonCasingTests.cs holds every command to it.
    /// </summary>
    public static readonly JsonSerializerOptions SnakeJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The same options as <see cref="SnakeJson"/> (one serializer, one casing), under the name older callers use.</summary>
    public static readonly JsonSerializerOptions Json = SnakeJson;

    /// <summary>Writes a typed report as snake_case JSON (<see cref="SnakeJson"/>).</summary>
    public static void WriteReport<T>(ParseResult parse, T report) =>
        parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(report, SnakeJson));

    /// <summary>Writes a typed report to a file as snake_case JSON (<see cref="SnakeJson"/>), atomically.</summary>
    public static void WriteReportFile<T>(string path, T report) =>
        Condense.Formats.AtomicFile.WriteAllText(path, JsonSerializer.Serialize(report, SnakeJson));

    public static IAnsiConsole For(ParseResult parse)
    {
        var writer = parse.InvocationConfiguration.Output;
        var interactive = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive) console.Profile.Width = 200;   // logs and pipes: don't wrap tables at 80 columns
        return console;
    }

    /// <summary>Writes a value as snake_case JSON, exactly as <see cref="WriteReport{T}"/>.</summary>
    public static void WriteJson<T>(ParseResult parse, T value) => WriteReport(parse, value);

    /// <summary>The shared <c>--json</c> flag.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print machine-readable JSON instead of tables." };
}
