using Condense.Formats.Onnx;
using Onnx;

namespace Condense.Graph;

/// <summary>
/// Nodes by name: every unnamed node given a unique one (<c>{OpType}_{index}</c>) so passes and
/// reports can refer to it, and names a user typed (<c>--keep</c>, <c>--exclude</c>) checked against
/// the graph, since a typo must not silently compress a layer the user meant to protect.
/// </summary>
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

    /// <summary>The names as a set; the first that names no node (by name, or "OpType #index" for unnamed ones) → one line naming it.</summary>
    public static IReadOnlySet<string> Check(OnnxModel model, string path, string option, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(names);
        var nodes = model.Proto.Graph.Node;
        var known = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++) known.Add(nodes[i].Name.Length > 0 ? nodes[i].Name : $"{nodes[i].OpType} #{i}");
        foreach (var name in names)
            if (!known.Contains(name))
                throw new CondenseException($"{path}: {option} '{name}': no node of that name (names are the ONNX nodes' own, as 'condense analyze' lists them)");
        return names.ToHashSet(StringComparer.Ordinal);
    }
}
