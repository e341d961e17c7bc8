using System.CommandLine;
using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Workflows;
using Onnx;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense compress</c> without <c>--data</c>: the written model's output against the original's
/// on seeded random inputs (<see cref="OutputComparison"/>), printed with the note that these are
/// random inputs, not the user's data, and a warning when the cosine is low. Not a command of its own.
/// </summary>
public static class CompressMeasured
{
    /// <summary>Random inputs measured on.</summary>
    public const int Samples = 8;

    /// <summary>The figure, or null with the reason when the model cannot be fed random inputs (the verifier's table still stands).</summary>
    public static (MeasuredError? Measured, string? Reason) Random(ParseResult parse, OnnxModel model, ModelProto original, ModelProto compressed, string inPath, int seed)
    {
        try
        {
            var data = CalibrationDataLoader.Load(model, DataOptions.Spec(parse, seed) with { Path = null, Count = Samples });
            return (OutputComparison.Measure(original, compressed, inPath, data, Samples), null);
        }
        catch (Exception ex) when (ex is CondenseException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            // The verifier already ran the file; a model random inputs cannot feed keeps its table and says why.
            return (null, ex.Message.ReplaceLineEndings(" "));
        }
    }

    /// <summary>The figure in snake_case JSON form.</summary>
    public static object Json(MeasuredError? m, string? reason) => m is null
        ? new { random_inputs = true, note = "from random inputs; not measured: " + reason }
        : new { random_inputs = m.RandomInputs, relative_error = m.Error, cosine = m.Cosine, samples = m.Samples, note = m.Note, warning = m.Warning };

    /// <summary>The figure as lines under the verifier's table.</summary>
    public static void Write(IAnsiConsole console, MeasuredError? m, string? reason)
    {
        if (m is null)
        {
            console.WriteLine($"RANDOM INPUTS: the differences above are on seeded random inputs, not your data (give --data for the held-out error); relative error not measured: {reason}");
            return;
        }
        console.WriteLine($"RANDOM INPUTS: relative output error {m.Error:0.0000}, cosine {m.Cosine:0.0000} — {m.Note}");
        if (m.Warning is not null) console.MarkupLine($"[red]{Markup.Escape(m.Warning)}[/]");
    }
}
