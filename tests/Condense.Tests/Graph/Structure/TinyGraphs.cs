using Condense.Formats.Onnx;
using Google.Protobuf;
using Onnx;

namespace Condense.Tests.Graph.Structure;

/// <summary>Small hand-built graphs for the structural passes: each shows one pattern.</summary>
internal sealed class TinyGraphs
{
    public GraphProto Graph { get; } = new() { Name = "g" };
    int seed = 1;

    public static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    public static float[] Random(long n, int seed, float lo = -1, float hi = 1)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, (int)n).Select(_ => (float)(lo + (hi - lo) * r.NextDouble())).ToArray();
    }

    public TinyGraphs Input(string name, params long[] dims) { Graph.Input.Add(Value(name, dims)); return this; }

    public TinyGraphs Output(string name, params long[] dims) { Graph.Output.Add(Value(name, dims)); return this; }

    public string Weight(string name, params long[] dims)
    {
        if (Graph.Initializer.All(t => t.Name != name))
            Graph.Initializer.Add(OnnxTensorData.FromFloat32(name, Random(dims.Aggregate(1L, (a, b) => a * b), seed++, -0.5f, 0.5f), dims));
        return name;
    }

    public TinyGraphs Node(string op, string name, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.AddRange(inputs);
        n.Output.Add(output);
        n.Attribute.AddRange(attributes);
        Graph.Node.Add(n);
        return this;
    }

    /// <summary>Conv 3×3, pad 1, weight [cout, cin, 3, 3] and bias.</summary>
    public TinyGraphs Conv(string name, string x, string y, int cin, int cout) =>
        Node("Conv", name, [x, Weight(name + ".w", cout, cin, 3, 3), Weight(name + ".b", cout)], y, Ints("pads", 1, 1, 1, 1));

    public static AttributeProto Ints(string name, params long[] v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }

    public static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };

    public OnnxModel Model(long opset = 13)
    {
        var m = new ModelProto { IrVersion = 7, Graph = Graph };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return OnnxReader.Parse(m.ToByteArray(), "tiny");
    }

    public string Save(OnnxModel model, string directory, string name)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, model.Proto.ToByteArray());
        return path;
    }

    /// <summary>Seeded input sets for <paramref name="model"/>.</summary>
    public static List<IReadOnlyList<TensorProto>> Inputs(OnnxModel model, int count, int seed) =>
        Enumerable.Range(0, count).Select(i => OnnxVerifier.RandomInputs(model.Proto.Graph, seed + i)).ToList();
}
