using System.Diagnostics;
using Condense.Formats.Onnx;
using Google.Protobuf;
using Onnx;

namespace Condense.Workflows.Structure;

/// <summary>Median ONNX Runtime latency of one input set at one intra-op thread, after two warm-up runs.</summary>
public static class LatencyProbe
{
    /// <summary>Milliseconds, the median of <paramref name="runs"/> runs.</summary>
    public static double MedianMs(ModelProto model, IReadOnlyList<TensorProto> inputs, int runs, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var runner = new OnnxRuntimeRunner(model.ToByteArray(), source, threads: 1);
        runner.Run(inputs);
        runner.Run(inputs);
        var times = new double[Math.Max(1, runs)];
        for (int i = 0; i < times.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            runner.Run(inputs);
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[times.Length / 2];
    }

    /// <summary>Original and changed model, runs interleaved in rounds so a busy machine slows both alike.</summary>
    public static (double Before, double After) Compare(ModelProto before, ModelProto after, IReadOnlyList<TensorProto> inputs, int runs, string source)
    {
        var a = new List<double>();
        var b = new List<double>();
        var rounds = Math.Max(1, runs / 5);
        for (int r = 0; r < rounds; r++)
        {
            a.Add(MedianMs(before, inputs, 5, source));
            b.Add(MedianMs(after, inputs, 5, source + " (changed)"));
        }
        a.Sort();
        b.Sort();
        return (a[a.Count / 2], b[b.Count / 2]);
    }
}
