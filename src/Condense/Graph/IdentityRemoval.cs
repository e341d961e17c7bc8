using Onnx;

namespace Condense.Graph;

/// <summary>
/// Bypasses nodes that pass their input through unchanged at inference: Identity, and Dropout
/// whose mask nobody reads. Readers of the output read the input
/// instead; when the output is a graph output, the producer of the input is renamed to it.
/// </summary>
internal static class IdentityRemoval
{
    public static int RemoveAll(GraphProto graph, List<string> left)
    {
        var removed = 0;
        foreach (var node in graph.Node.Where(IsPassThrough).ToList())
        {
            var uses = new GraphUses(graph);
            if (node.Output.Skip(1).Any(o => o.Length > 0 && uses.IsRead(o))) continue; // a Dropout whose mask is read
            if (node.OpType == "Dropout" && node.Input.Count > 2 && node.Input[2].Length > 0)
            {
                left.Add($"{BatchNormFolding.NodeName(node)} (Dropout): its training_mode is an input");
                continue;
            }
            var x = node.Input[0];
            var y = node.Output[0];
            if (uses.EscapesNodes(y))
            {
                // y must keep its name: rename the value x to y, if x is a node output nobody else needs by name.
                var producer = graph.Node.FirstOrDefault(n => n != node && n.Output.Contains(x));
                if (producer is null || uses.EscapesNodes(x) || graph.Output.Any(o => o.Name == y) && graph.Input.Any(i => i.Name == x))
                {
                    left.Add($"{BatchNormFolding.NodeName(node)} ({node.OpType}): its output is a graph output or read inside a subgraph, and its input cannot take that name");
                    continue;
                }
                producer.Output[producer.Output.IndexOf(x)] = y;
                foreach (var reader in uses.Consumers(x).Where(n => n != node))
                    for (int i = 0; i < reader.Input.Count; i++)
                        if (reader.Input[i] == x) reader.Input[i] = y;
            }
            else
            {
                foreach (var reader in uses.Consumers(y))
                    for (int i = 0; i < reader.Input.Count; i++)
                        if (reader.Input[i] == y) reader.Input[i] = x;
            }
            graph.Node.Remove(node);
            removed++;
        }
        return removed;
    }

    // Dropout at inference passes its input through whatever its ratio (ONNX Runtime runs it so
    // unless a training_mode input says otherwise, handled above).
    static bool IsPassThrough(NodeProto n) =>
        n.Domain is "" or "ai.onnx" && n.OpType is "Identity" or "Dropout" && n.Input.Count > 0 && n.Input[0].Length > 0 && n.Output.Count > 0;
}
