using System.CommandLine;
using Condense.Formats.Onnx;

namespace Condense.Cli;

/// <summary>
/// <c>--input-shape NAME=D1,D2,…</c> (repeatable), shared by every command that runs an ONNX
/// model on random inputs: the dims to use where the model's are dynamic and the defaults do
/// not fit.
/// </summary>
public static class InputShapeOption
{
    public static Option<string[]> Create() => new("--input-shape")
    {
        Description = "NAME=D1,D2,…: dims of an input for running the model on random data when its dims are dynamic (repeatable)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>The parsed shapes (none when the option is absent); bad specs are a one-line error quoting them.</summary>
    public static OnnxInputShapes Parse(ParseResult parse, Option<string[]> option) =>
        OnnxInputShapes.Parse(parse.GetValue(option) ?? []);
}
