using Onnx;

namespace Condense.Graph;

/// <summary>
/// The last step every node-rewriting pass shares: the rewritten node list and new initializers go
/// in, and initializers nothing reads any more go out — counting reads from inside If/Loop/Scan
/// bodies (<see cref="GraphUses"/>), so a weight only a subgraph reads is never dropped.
/// </summary>
internal static class GraphRewrite
{
    public static void Commit(GraphProto graph, IEnumerable<NodeProto> nodes, IEnumerable<TensorProto> added)
    {
        var list = nodes.ToList();
        graph.Node.Clear();
        graph.Node.AddRange(list);
        graph.Initializer.AddRange(added);
        var uses = new GraphUses(graph);
        for (int i = graph.Initializer.Count - 1; i >= 0; i--)
            if (!uses.IsRead(graph.Initializer[i].Name)) graph.Initializer.RemoveAt(i);
    }
}
