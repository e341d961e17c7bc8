using System.CommandLine;
using Condense.Formats.Onnx;
using Condense.Workflows;
using Onnx;

namespace Condense.Cli.Commands;

/// <summary>
/// Latency and session memory of the original and the written file for the size-first encodings
/// (k-means, linear, fp16, with or without data), as the runtime methods report them: a smaller
/// file that ONNX Runtime runs slower is flagged, never silent. <c>--no-measure</c> skips it.
/// </summary>
internal static class CompressTiming
{
    /// <summary>Timed runs per configuration: enough for a stable median, few enough to keep compress quick.</summary>
    const int Runs = 15;

    /// <summary>Times the two files on the first of <paramref name="samples"/> that runs (random inputs may need another shape guess).</summary>
    public static (IReadOnlyList<RuntimeComparison> Timing, IReadOnlyList<string> Warnings) Measure(ParseResult parse, string inPath, string outPath,
        GraphProto graph, IEnumerable<IReadOnlyList<TensorProto>> samples)
    {
        if (parse.GetValue<bool>("--no-measure")) return ([], []);
        string? why = null;
        foreach (var sample in samples)
        {
            try
            {
                return LatencyComparison.Measure(inPath, outPath, graph, sample, Runs, parse.GetValue<int?>("--batch"));
            }
            catch (Exception ex) when (ex is CondenseException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
            {
                why ??= ex.Message.ReplaceLineEndings(" ");
            }
        }
        return ([], [$"latency not measured: {why ?? "no input set"}"]);
    }

    /// <summary>Random input sets at batch 1 (values do not change the time), one per shape guess the verifier makes.</summary>
    public static IEnumerable<IReadOnlyList<TensorProto>> RandomSamples(GraphProto graph, OnnxInputShapes? shapes, int seed)
    {
        for (int guess = 0; guess < OnnxInputDims.Guesses; guess++)
            yield return OnnxVerifier.RandomInputs(OnnxInputDims.Resolve(graph, shapes ?? OnnxInputShapes.None, guess), seed);
    }
}
