using Google.Protobuf;
using Onnx;
using AttributeType = Onnx.AttributeProto.Types.AttributeType;

namespace Condense.Formats.Onnx;

/// <summary>
/// Collects the initializers and nodes one encoded tensor needs, with names guaranteed not to
/// clash with anything already in the graph.
/// </summary>
internal sealed class OnnxGraphBuilder(HashSet<string> taken, long opset, List<TensorProto>? shared = null)
{
    /// <summary>Initializers shared by all encoded tensors (the bit table); kept only if used.</summary>
    public List<TensorProto> Shared { get; } = shared ?? [];
    public bool HasShared(string name) => Shared.Any(t => t.Name == name);

    public long Opset { get; } = opset;

    /// <summary>
    /// Write 4-bit codes as bit planes (the layout before GatherBlockQuantized) rather than uint4:
    /// only for tests that compare the two layouts.
    /// </summary>
    public bool Int4AsBitPlanes { get; init; }
    public List<TensorProto> Initializers { get; } = [];
    public List<NodeProto> Nodes { get; } = [];

    /// <summary>A fresh value name starting with <paramref name="stem"/>.</summary>
    public string Name(string stem)
    {
        var name = stem;
        for (int i = 1; !taken.Add(name); i++) name = $"{stem}_{i}";
        return name;
    }

    public string Add(TensorProto t)
    {
        Initializers.Add(t);
        return t.Name;
    }

    public NodeProto Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        // Unnamed: node names are optional and would only add bytes.
        var node = new NodeProto { OpType = op };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Nodes.Add(node);
        return node;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Tensor(string name, TensorProto value) => new() { Name = name, Type = AttributeType.Tensor, T = value };

    /// <summary>Serialised bytes of what was added so far: initializers and decoding nodes.</summary>
    public long Bytes => Initializers.Sum(t => (long)t.CalculateSize()) + Nodes.Sum(n => (long)n.CalculateSize());

    /// <summary>A copy that starts empty but shares the name registry (for trying an alternative).</summary>
    public OnnxGraphBuilder Fork() => new(new HashSet<string>(taken, taken.Comparer), Opset, [.. Shared]) { Int4AsBitPlanes = Int4AsBitPlanes };

    /// <summary>Adopts the names a fork took, once its encoding is chosen.</summary>
    public void Adopt(OnnxGraphBuilder fork)
    {
        Initializers.AddRange(fork.Initializers);
        Shared.Clear();
        Shared.AddRange(fork.Shared);
        Nodes.AddRange(fork.Nodes);
        foreach (var t in fork.Initializers) taken.Add(t.Name);
        foreach (var n in fork.Nodes) { taken.Add(n.Name); taken.UnionWith(n.Output); }
    }
}
