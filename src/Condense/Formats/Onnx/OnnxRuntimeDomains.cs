using Onnx;

namespace Condense.Formats.Onnx;

/// <summary>
/// The operator domains ONNX Runtime implements. Condense runs every model it writes in ONNX
/// Runtime before writing it, so a node in any other domain (a custom op library's) makes the
/// model impossible to check: it is refused up front with the node named, before any work.
/// </summary>
internal static class OnnxRuntimeDomains
{
    /// <summary>Domains with kernels in the CPU build (ONNX Runtime's <c>core/graph/constants.h</c>).</summary>
    static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "", "ai.onnx", "ai.onnx.ml", "com.microsoft", "com.microsoft.nchwc", "com.microsoft.experimental",
        "com.ms.internal.nhwc", "ai.onnx.training", "ai.onnx.preview.training", "org.pytorch.aten",
    };

    /// <summary>Throws a <see cref="CondenseException"/> naming the first node whose domain ONNX Runtime lacks.</summary>
    public static void Check(ModelProto model, string source)
    {
        // Model-local functions are inlined by the runtime: their domains are as good as known.
        var functions = model.Functions.Select(f => (f.Domain, f.Name)).ToHashSet();
        foreach (var (graph, path) in OnnxSubgraphs.Walk(model.Graph))
        {
            foreach (var node in graph.Node)
            {
                if (Known.Contains(node.Domain) || functions.Contains((node.Domain, node.OpType))) continue;
                var where = path.Length > 0 ? $"{path}/" : "";
                throw new CondenseException($"{source}: node '{where}{OnnxSubgraphs.Label(graph, node)}' ({node.Domain}.{node.OpType}) is in domain '{node.Domain}', " +
                    "which ONNX Runtime does not implement; Condense runs every model it writes in ONNX Runtime, so it cannot check a compressed copy");
            }
        }
    }
}
