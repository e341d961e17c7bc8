using Onnx;

namespace Condense.Graph;

/// <summary>
/// Who reads each value of a graph: node inputs, graph outputs, and names read from inside
/// subgraphs (If/Loop/Scan bodies may read any outer value), so no pass removes or rewrites a value
/// something still reads.
/// </summary>
internal sealed class GraphUses
{
    readonly Dictionary<string, List<NodeProto>> consumers = new(StringComparer.Ordinal);
    readonly HashSet<string> outputs;
    readonly HashSet<string> subgraphReads = new(StringComparer.Ordinal);

    public GraphUses(GraphProto graph)
    {
        outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input.Where(i => i.Length > 0))
            {
                if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = [];
                if (!list.Contains(node)) list.Add(node);
            }
            foreach (var sub in Subgraphs(node)) CollectReads(sub, subgraphReads);
        }
    }

    /// <summary>The nodes of this graph that read <paramref name="name"/>.</summary>
    public IReadOnlyList<NodeProto> Consumers(string name) => consumers.TryGetValue(name, out var l) ? l : [];

    /// <summary>Whether <paramref name="name"/> is a graph output or read from inside a subgraph.</summary>
    public bool EscapesNodes(string name) => outputs.Contains(name) || subgraphReads.Contains(name);

    /// <summary>Whether anything at all reads <paramref name="name"/>.</summary>
    public bool IsRead(string name) => EscapesNodes(name) || consumers.ContainsKey(name);

    internal static IEnumerable<GraphProto> Subgraphs(NodeProto node) =>
        node.Attribute.SelectMany(a => a.G is not null ? [a.G] : (IEnumerable<GraphProto>)a.Graphs);

    static void CollectReads(GraphProto graph, HashSet<string> reads)
    {
        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input) reads.Add(input);
            foreach (var sub in Subgraphs(node)) CollectReads(sub, reads);
        }
        foreach (var output in graph.Output) reads.Add(output.Name);
    }
}
