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
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The one JSON style for new commands: snake_case keys, enums as snake_case strings, indented.</summary>
    public static readonly JsonSerializerOptions SnakeJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes a typed report as snake_case JSON (<see cref="SnakeJson"/>).</summary>
    public static void WriteReport<T>(ParseResult parse, T report) =>
        parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(report, SnakeJson));

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

    public static void WriteJson<T>(ParseResult parse, T value) =>
        parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>The shared <c>--json</c> flag.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print machine-readable JSON instead of tables." };
}
