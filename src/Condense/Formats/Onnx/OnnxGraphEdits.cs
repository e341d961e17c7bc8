using Onnx;

namespace Condense.Formats.Onnx;

/// <summary>
/// The rewrite a compression makes, graph by graph (the main graph and any control-flow body):
/// tensors replaced, decoders added, applied in one pass at the end. Decoders go into the graph
/// their weight lived in, first, so its consumers (there or in deeper bodies, through outer
/// scope) still find the value by its name and the order stays topological; initializers shared
/// by all decoders (the bit table) go into the main graph, which every body can read.
/// </summary>
internal sealed class OnnxGraphEdits
{
    sealed class Edit
    {
        public HashSet<string> ReplacedInitializers { get; } = new(StringComparer.Ordinal);
        public HashSet<NodeProto> ReplacedConstants { get; } = new(ReferenceEqualityComparer.Instance);
        public List<TensorProto> Initializers { get; } = [];
        public List<NodeProto> Nodes { get; } = [];
    }

    readonly Dictionary<GraphProto, Edit> edits = new(ReferenceEqualityComparer.Instance);

    Edit For(GraphProto graph)
    {
        if (!edits.TryGetValue(graph, out var edit)) edits[graph] = edit = new Edit();
        return edit;
    }

    /// <summary>Records that <paramref name="constant"/> (a Constant node, or null for an initializer named <paramref name="name"/>) is replaced by <paramref name="fork"/>'s decoder.</summary>
    public void Replace(GraphProto graph, string name, NodeProto? constant, OnnxGraphBuilder fork)
    {
        var edit = For(graph);
        if (constant is null) edit.ReplacedInitializers.Add(name);
        else edit.ReplacedConstants.Add(constant);
        edit.Initializers.AddRange(fork.Initializers);
        edit.Nodes.AddRange(fork.Nodes);
    }

    /// <summary>
    /// Applies every edit: replaced tensors dropped (and, in the main graph, their graph-input
    /// entries, meaningful only under IR 3), decoders put first, the used shared initializers
    /// added to <paramref name="main"/>.
    /// </summary>
    public void Apply(GraphProto main, IReadOnlyList<TensorProto> shared)
    {
        foreach (var (graph, edit) in edits)
        {
            var kept = graph.Initializer.Where(i => !edit.ReplacedInitializers.Contains(i.Name)).ToList();
            graph.Initializer.Clear();
            graph.Initializer.AddRange(kept);
            if (ReferenceEquals(graph, main))
            {
                var inputs = graph.Input.Where(i => !edit.ReplacedInitializers.Contains(i.Name)).ToList();
                graph.Input.Clear();
                graph.Input.AddRange(inputs);
            }
            graph.Initializer.AddRange(edit.Initializers);
            var nodes = edit.Nodes.Concat(graph.Node.Where(n => !edit.ReplacedConstants.Contains(n))).ToList();
            graph.Node.Clear();
            graph.Node.AddRange(nodes);
        }
        var added = edits.Values.SelectMany(e => e.Nodes).ToList();
        main.Initializer.AddRange(shared.Where(s => added.Any(n => n.Input.Contains(s.Name))));
    }
}
