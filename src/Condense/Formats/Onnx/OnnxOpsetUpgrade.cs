using Onnx;
using AttributeType = Onnx.AttributeProto.Types.AttributeType;

namespace Condense.Formats.Onnx;

/// <summary>
/// Lifts models of default-domain opset 1–6 to opset 7, the oldest ONNX Runtime 1.31 still
/// implements (it rejects e.g. <c>Add(6)</c> with "Could not find an implementation"). Opset 7
/// replaced the legacy <c>broadcast</c>/<c>axis</c> attributes by numpy broadcasting and dropped
/// <c>is_test</c>/<c>consumed_inputs</c>; this rewrites exactly those nodes (adding an
/// <c>Unsqueeze</c> where an <c>axis</c> alignment differs from numpy's suffix alignment) and
/// leaves everything else as it was.
/// </summary>
public static class OnnxOpsetUpgrade
{
    static readonly HashSet<string> LegacyBroadcast = ["Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less"];

    /// <summary>True when the model imports a default-domain opset older than 7.</summary>
    public static bool Needed(ModelProto model) =>
        model.OpsetImport.Any(o => o.Domain is "" or "ai.onnx" && o.Version < 7);

    /// <summary>Rewrites <paramref name="model"/> in place to opset 7; returns false when nothing was needed.</summary>
    public static bool ToOpset7(ModelProto model, string source)
    {
        if (!Needed(model)) return false;
        var graph = model.Graph;
        var rank = KnownRanks(graph);
        var rewritten = new List<NodeProto>();
        var counter = 0;
        foreach (var node in graph.Node)
        {
            if (node.Domain is not ("" or "ai.onnx")) { rewritten.Add(node); continue; }
            if (LegacyBroadcast.Contains(node.OpType))
            {
                var axis = node.Attribute.FirstOrDefault(a => a.Name == "axis");
                var broadcast = node.Attribute.FirstOrDefault(a => a.Name == "broadcast");
                if (broadcast is not null && broadcast.I != 0 && axis is not null && node.Input.Count == 2
                    && rank.TryGetValue(node.Input[0], out var ra) && rank.TryGetValue(node.Input[1], out var rb))
                {
                    var a = axis.I < 0 ? axis.I + ra : axis.I;
                    var trailing = ra - a - rb;
                    if (trailing > 0)
                    {
                        var name = $"{node.Input[1]}__opset7_unsqueezed_{counter++}";
                        rewritten.Add(Unsqueeze(node.Input[1], name, Enumerable.Range((int)rb, (int)trailing).Select(i => (long)i)));
                        node.Input[1] = name;
                    }
                }
                else if (broadcast is not null && broadcast.I != 0 && axis is not null)
                {
                    throw new CondenseException($"{source}: cannot lift node {node.OpType} to opset 7: the ranks of its inputs are unknown");
                }
                Remove(node, "broadcast", "axis", "consumed_inputs");
            }
            else if (node.OpType is "Gemm") Remove(node, "broadcast");
            else if (node.OpType is "BatchNormalization" or "Dropout") Remove(node, "is_test", "consumed_inputs");
            else if (node.OpType is "PRelu" && node.Input.Count == 2
                     && rank.TryGetValue(node.Input[0], out var rx) && rank.TryGetValue(node.Input[1], out var rs) && rs == 1 && rx > 2
                     && !IsScalarLike(graph, node.Input[1]))
            {
                // Opset 6 applied a 1-D slope per channel (axis 1); numpy broadcasting aligns it
                // with the last axis instead, so give it trailing unit dimensions.
                var name = $"{node.Input[1]}__opset7_unsqueezed_{counter++}";
                rewritten.Add(Unsqueeze(node.Input[1], name, Enumerable.Range(1, (int)rx - 2).Select(i => (long)i)));
                node.Input[1] = name;
            }
            else Remove(node, "consumed_inputs");
            rewritten.Add(node);
        }
        graph.Node.Clear();
        graph.Node.AddRange(rewritten);
        foreach (var o in model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx")) o.Version = Math.Max(o.Version, 7);
        return true;
    }

    static bool IsScalarLike(GraphProto graph, string name) =>
        graph.Initializer.FirstOrDefault(t => t.Name == name) is { } t && OnnxTensorData.ElementCount(t.Dims) == 1;

    static NodeProto Unsqueeze(string input, string output, IEnumerable<long> axes)
    {
        var node = new NodeProto { OpType = "Unsqueeze" };
        node.Input.Add(input);
        node.Output.Add(output);
        var attribute = new AttributeProto { Name = "axes", Type = AttributeType.Ints };
        attribute.Ints.AddRange(axes);
        node.Attribute.Add(attribute);
        return node;
    }

    static void Remove(NodeProto node, params string[] names)
    {
        for (int i = node.Attribute.Count - 1; i >= 0; i--)
            if (names.Contains(node.Attribute[i].Name)) node.Attribute.RemoveAt(i);
    }

    /// <summary>Ranks from declared shapes and initializers, carried through nodes whose output rank is obvious.</summary>
    static Dictionary<string, long> KnownRanks(GraphProto graph)
    {
        var rank = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var v in graph.Input.Concat(graph.ValueInfo).Concat(graph.Output))
            if (v.Type?.TensorType?.Shape is { } shape) rank[v.Name] = shape.Dim.Count;
        foreach (var t in graph.Initializer) rank[t.Name] = t.Dims.Count;
        foreach (var node in graph.Node)
        {
            if (OnnxModel.ConstantTensor(node) is { } c) { rank[node.Output[0]] = c.Dims.Count; continue; }
            if (node.Output.Count != 1 || rank.ContainsKey(node.Output[0])) continue;
            var known = node.Input.Where(i => i.Length > 0 && rank.ContainsKey(i)).Select(i => rank[i]).ToList();
            if (known.Count == 0) continue;
            if (LegacyBroadcast.Contains(node.OpType) || node.OpType is "Relu" or "Sigmoid" or "Tanh" or "Exp" or "Log" or "Neg"
                or "Abs" or "Sqrt" or "Elu" or "LeakyRelu" or "Selu" or "PRelu" or "BatchNormalization" or "Dropout" or "Softplus"
                or "Softsign" or "Clip" or "Identity" or "Reciprocal" or "Floor" or "Ceil" or "HardSigmoid" or "Conv" or "ConvTranspose"
                or "MaxPool" or "AveragePool" or "Sum" or "Max" or "Min" or "Mean")
                rank[node.Output[0]] = known.Max();
            else if (node.OpType is "Gemm" or "MatMul" && known.Count == node.Input.Count(i => i.Length > 0))
                rank[node.Output[0]] = node.OpType == "Gemm" ? 2 : known.Max();
        }
        return rank;
    }
}
