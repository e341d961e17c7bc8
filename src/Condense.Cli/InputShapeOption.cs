using System.CommandLine;
using Condense.Formats.Onnx;

namespace Condense.Cli;

/// <summary>
/// <c>--input-shape NAME=D1,D2,…</c> (repeatable) for every command that runs an ONNX model on
/// random inputs: the dims to use where the model's are dynamic and the defaults do not fit.
/// Read by name, so it is the same option whether this class or <see cref="DataOptions"/> put it
/// on the command.
/// </summary>
public static class InputShapeOption
{
    public const string Name = "--input-shape";

    /// <summary>The option itself (for <see cref="DataOptions.Add"/>, which puts it on commands that take data).</summary>
    public static Option<string[]> Create() => new(Name)
    {
        Description = "NAME=D1,D2,…: dims of an input for running the model on random data when its dims are dynamic (repeatable)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>Adds the option to <paramref name="command"/> unless it already has it (e.g. from <see cref="DataOptions.Add"/>).</summary>
    public static void Add(Command command)
    {
        if (command.Options.Any(o => o.Name == Name)) return;
        command.Options.Add(Create());
    }

    /// <summary>The parsed shapes, or null when the option is absent; bad specs are a one-line error quoting them.</summary>
    public static OnnxInputShapes? Parse(ParseResult parse) =>
        parse.GetValue<string[]>(Name) is { Length: > 0 } specs ? OnnxInputShapes.Parse(specs) : null;
}
