using System.Diagnostics;
using Onnx;

namespace Condense.Formats.Onnx.Cnn;

/// <summary>
/// Inference latency of an ONNX graph in ONNX Runtime: the median of several timed runs of one
/// batch after a warm-up run. Compare two graphs by a ratio measured in the same process, since
/// absolute times on a shared machine are noisy.
/// </summary>
public static class OrtLatency
{
    /// <summary>Median milliseconds per run of <paramref name="count"/> samples of <paramref name="features"/> values.</summary>
    public static double MedianMilliseconds(ModelProto model, float[] inputs, int count, int features, int runs = 15, int threads = 2)
    {
        using var runner = new OnnxRuntimeRunner(Google.Protobuf.MessageExtensions.ToByteArray(model), model.Graph.Name, threads);
        var input = OnnxTensorData.FromFloat32(runner.InputNames[0], inputs.AsSpan(0, count * features).ToArray(), [count, features]);
        runner.Run([input]);
        var times = new double[Math.Max(1, runs)];
        for (var i = 0; i < times.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            runner.Run([input]);
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[times.Length / 2];
    }
}
