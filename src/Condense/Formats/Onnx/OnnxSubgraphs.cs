using Onnx;

namespace Condense.Formats.Onnx;

/// <summary>
/// The graphs of a model, the main one and every control-flow body (<c>If</c> branches,
/// <c>Loop</c> and <c>Scan</c> bodies, nested to any depth), each with a path a user can find
/// it by: <c>""</c> for the main graph, <c>Loop_3/body</c>, <c>Loop_3/body/cond/then_branch</c>.
/// Exported audio and sequence models keep most of their weights in such bodies, so anything
/// that looks only at <see cref="ModelProto.Graph"/> misses them.
/// </summary>
internal static class OnnxSubgraphs
{
    /// <summary>Every graph, parents before their subgraphs.</summary>
    public static IEnumerable<(GraphProto Graph, string Path)> Walk(GraphProto main)
    {
        var stack = new Stack<(GraphProto, string)>();
        stack.Push((main, ""));
        while (stack.Count > 0)
        {
            var (graph, path) = stack.Pop();
            yield return (graph, path);
            var children = new List<(GraphProto, string)>();
            foreach (var node in graph.Node) children.AddRange(Children(graph, path, node));
            for (int i = children.Count - 1; i >= 0; i--) stack.Push(children[i]);
        }
    }

    /// <summary>The subgraphs held by one node's attributes, with their paths.</summary>
    public static IEnumerable<(GraphProto Graph, string Path)> Children(GraphProto parent, string parentPath, NodeProto node)
    {
        var label = Label(parent, node);
        var prefix = parentPath.Length == 0 ? label : $"{parentPath}/{label}";
        foreach (var a in node.Attribute)
        {
            if (a.G is not null) yield return (a.G, $"{prefix}/{a.Name}");
            for (int i = 0; i < a.Graphs.Count; i++) yield return (a.Graphs[i], $"{prefix}/{a.Name}[{i}]");
        }
    }

    /// <summary>
    /// The nodes that read <paramref name="name"/> in <paramref name="graph"/> or, through outer
    /// scope, in its subgraphs (a subgraph that declares the name itself shadows it and is
    /// skipped), each with the path of the graph it is in.
    /// </summary>
    public static IEnumerable<(NodeProto Node, GraphProto Graph, string Path)> Consumers(GraphProto graph, string path, string name)
    {
        foreach (var node in graph.Node)
        {
            if (node.Input.Contains(name)) yield return (node, graph, path);
            foreach (var (g, p) in Children(graph, path, node))
            {
                if (Declares(g, name)) continue;
                foreach (var inner in Consumers(g, p, name)) yield return inner;
            }
        }
    }

    static bool Declares(GraphProto g, string name) =>
        g.Input.Any(i => i.Name == name) || g.Initializer.Any(i => i.Name == name) || g.Node.Any(n => n.Output.Contains(name));

    /// <summary>A node as a report names it: its name, or its op type and index when unnamed.</summary>
    public static string Label(GraphProto graph, NodeProto node)
    {
        if (node.Name.Length > 0) return node.Name;
        var index = 0;
        while (index < graph.Node.Count && !ReferenceEquals(graph.Node[index], node)) index++;
        return $"{node.OpType}_{index}";
    }
}
