using Onnx;

namespace Condense.Graph;

/// <summary>Gives every unnamed node a unique name (<c>{OpType}_{index}</c>), so passes and reports can refer to nodes by name.</summary>
public static class NodeNames
{
    /// <summary>Names the unnamed nodes of <paramref name="graph"/> in place.</summary>
    public static void Ensure(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var taken = graph.Node.Select(n => n.Name).Where(n => n.Length > 0).ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            if (node.Name.Length > 0) continue;
            var name = $"{node.OpType}_{i}";
            for (int k = 1; taken.Contains(name); k++) name = $"{node.OpType}_{i}_{k}";
            node.Name = name;
            taken.Add(name);
        }
    }
}
