using Onnx;

namespace Condense.Graph;

/// <summary>
/// Removes nodes none of whose outputs is read (repeatedly, so chains go too), then initializers
/// nothing reads. Graph inputs and outputs are never touched: the model's interface stays.
/// </summary>
internal static class DeadCodeRemoval
{
    public static (int Nodes, int Initializers) RemoveAll(GraphProto graph)
    {
        int nodes = 0;
        while (true)
        {
            var uses = new GraphUses(graph);
            var dead = graph.Node.Where(n => n.Output.All(o => o.Length == 0 || !uses.IsRead(o))).ToList();
            if (dead.Count == 0) break;
            foreach (var n in dead) graph.Node.Remove(n);
            nodes += dead.Count;
        }
        var final = new GraphUses(graph);
        var inputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var unused = graph.Initializer.Where(t => !final.IsRead(t.Name) && !inputs.Contains(t.Name)).ToList();
        foreach (var t in unused) graph.Initializer.Remove(t);
        var produced = graph.Node.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        foreach (var info in graph.ValueInfo.Where(v => !produced.Contains(v.Name)).ToList())
            graph.ValueInfo.Remove(info);
        return (nodes, unused.Count);
    }
}
