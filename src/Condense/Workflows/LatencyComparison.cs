using Condense.Runtime;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// The original and a written result timed alike in ONNX Runtime (median latency at batch 1 and
/// an optional larger batch, 1 and 2 threads, and the memory each session adds), with a warning
/// for every configuration where the result is slower. Every path of <c>compress</c> runs this,
/// so a smaller file that runs slower is never silent.
/// </summary>
public static class LatencyComparison
{
    /// <summary>Measures <paramref name="resultPath"/> against <paramref name="originalPath"/> on one input set.</summary>
    /// <param name="originalPath">The original model file.</param>
    /// <param name="resultPath">The written result.</param>
    /// <param name="graph">The original's graph (to see whether its batch dimension is fixed).</param>
    /// <param name="sample">One input set at batch 1 (tiled for <paramref name="batch"/>).</param>
    /// <param name="runs">Timed runs per configuration.</param>
    /// <param name="batch">A second batch size to time, or null.</param>
    /// <param name="progress">Called before each configuration.</param>
    public static (IReadOnlyList<RuntimeComparison> Timing, IReadOnlyList<string> Warnings) Measure(string originalPath, string resultPath,
        GraphProto graph, IReadOnlyList<TensorProto> sample, int runs, int? batch = null, Action<string>? progress = null)
    {
        var warnings = new List<string>();
        var timing = new List<RuntimeComparison>();
        var batches = new List<int> { 1 };
        if (batch is { } b && b > 1)
        {
            if (BatchIsFixed(graph)) warnings.Add($"batch {b} not measured: the model's inputs have a fixed batch dimension");
            else batches.Add(b);
        }
        foreach (var size in batches)
        {
            var inputs = RuntimeCompression.Tile(sample, size);
            foreach (var threads in new[] { 1, 2 })
            {
                progress?.Invoke($"measuring batch {size}, {threads} thread(s)");
                var original = SessionProbe.Measure(originalPath, inputs, threads, runs);
                var result = SessionProbe.Measure(resultPath, inputs, threads, runs);
                var c = new RuntimeComparison(threads, size, original, result);
                timing.Add(c);
                if (c.Slower) warnings.Add($"SLOWER than the original at batch {size}, {threads} thread(s): {result.MedianMs:0.###} ms vs {original.MedianMs:0.###} ms ({c.LatencyRatio:0.00}x)");
            }
        }
        return (timing, warnings);
    }

    static bool BatchIsFixed(GraphProto graph)
    {
        var init = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return graph.Input.Where(i => !init.Contains(i.Name)).Any(i => i.Type?.TensorType?.Shape?.Dim is { Count: > 0 } d && d[0].HasDimValue);
    }
}
