using Microsoft.ML.OnnxRuntime;

namespace Condense.Runtime;

/// <summary>
/// What ONNX Runtime actually runs: the graph after its optimiser (written through
/// <c>SessionOptions.OptimizedModelFilePath</c>), counted by op type. This is how to tell whether
/// QDQ pairs were fused into QLinearConv etc. or a weight was folded back to float.
/// </summary>
public static class OptimizedGraph
{
    /// <summary>Op type → count in the optimised graph of the model at <paramref name="modelPath"/>.</summary>
    public static IReadOnlyDictionary<string, int> OpCounts(string modelPath)
    {
        Formats.Onnx.OnnxRuntimeEnvironment.Ensure();
        var temp = Path.Combine(Path.GetTempPath(), $"condense-optimized-{Environment.ProcessId}-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { OptimizedModelFilePath = temp, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR })
            {
                try { using var session = new InferenceSession(modelPath, options); }
                catch (OnnxRuntimeException ex) { throw new CondenseException($"{modelPath}: ONNX Runtime cannot load the model: {ex.Message.ReplaceLineEndings(" ")}"); }
            }
            using var stream = File.OpenRead(temp);
            var proto = Onnx.ModelProto.Parser.ParseFrom(stream);
            return proto.Graph.Node.GroupBy(n => n.OpType).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        }
        finally
        {
            foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(temp) + "*")) File.Delete(f);
        }
    }
}
