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

    public static (IReadOnlyList<RuntimeComparison> Timing, IReadOnlyList<string> Warnings) Measure(ParseResult parse, string inPath, string outPath,
        GraphProto graph, IReadOnlyList<TensorProto> sample)
    {
        if (parse.GetValue<bool>("--no-measure")) return ([], []);
        try
        {
            return LatencyComparison.Measure(inPath, outPath, graph, sample, Runs, parse.GetValue<int?>("--batch"));
        }
        catch (CondenseException ex)
        {
            return ([], [$"latency not measured: {ex.Message}"]);
        }
    }

    /// <summary>One random input set at batch 1 (values do not change the time), shaped as the verifier runs the model.</summary>
    public static IReadOnlyList<TensorProto> RandomSample(GraphProto graph, OnnxInputShapes? shapes, int seed) =>
        OnnxVerifier.RandomInputs(OnnxInputDims.Resolve(graph, shapes ?? OnnxInputShapes.None, 0), seed);
}
