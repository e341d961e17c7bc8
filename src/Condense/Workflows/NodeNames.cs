using Condense.Formats.Onnx;

namespace Condense.Workflows;

/// <summary>Node names a user typed (<c>--keep</c>, <c>--exclude</c>), checked against the graph: a typo must not silently compress a layer the user meant to protect.</summary>
public static class NodeNames
{
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
