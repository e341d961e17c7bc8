using Condense.Formats.Onnx;
using Google.Protobuf;
using Onnx;
using AttributeType = Onnx.AttributeProto.Types.AttributeType;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Tests.Formats.Onnx;

/// <summary>Small models whose weights live inside control-flow bodies (If, Loop, Scan), built with the protobuf classes.</summary>
public static class OnnxControlFlowSamples
{
    public static float[] Weights(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    public static ValueInfoProto Value(string name, DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string p ? new TensorShapeProto.Types.Dimension { DimParam = p } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    public static NodeProto Node(string op, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static AttributeProto Graph(string name, GraphProto g) => new() { Name = name, Type = AttributeType.Graph, G = g };
    public static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeType.Int, I = v };

    public static ModelProto Wrap(GraphProto graph, long opset = 13, long ir = 8)
    {
        var model = new ModelProto { IrVersion = ir, Graph = graph, ProducerName = "condense-tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    public static OnnxModel Read(ModelProto model, string name) => OnnxReader.Parse(model.ToByteArray(), name);

    /// <summary>Y = If(C, X·W_then, X·W_else): X [2, 64], both weights [64, 48] and both named "W" (sibling scopes).</summary>
    public static ModelProto If()
    {
        GraphProto Branch(string name, int seed)
        {
            var g = new GraphProto { Name = name };
            g.Initializer.Add(OnnxTensorData.FromFloat32("W", Weights(64 * 48, seed), [64, 48]));
            g.Node.Add(Node("MatMul", $"{name}_matmul", ["X", "W"], [$"{name}_y"]));
            g.Output.Add(Value($"{name}_y", DataType.Float, 2, 48));
            return g;
        }
        var graph = new GraphProto { Name = "if" };
        graph.Input.Add(Value("X", DataType.Float, 2, 64));
        graph.Input.Add(Value("C", DataType.Bool));
        graph.Output.Add(Value("Y", DataType.Float, 2, 48));
        graph.Node.Add(Node("If", "choose", ["C"], ["Y"], Graph("then_branch", Branch("then", 11)), Graph("else_branch", Branch("else", 12))));
        return Wrap(graph);
    }

    /// <summary>
    /// h ← tanh(Gemm(h, W, B)) three times (a Loop whose body holds W [64, 64] and B [64]), and
    /// inside the body an If whose then-branch adds h·V (V [64, 64], a Constant node) — two levels deep.
    /// </summary>
    public static ModelProto Loop()
    {
        var inner = new GraphProto { Name = "inner_then" };
        var constant = Node("Constant", "const_V", [], ["V"]);
        constant.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeType.Tensor, T = OnnxTensorData.FromFloat32("V", Weights(64 * 64, 22), [64, 64]) });
        inner.Node.Add(constant);
        inner.Node.Add(Node("MatMul", "inner_matmul", ["h_in", "V"], ["hv"]));
        inner.Node.Add(Node("Add", "inner_add", ["hv", "t"], ["then_out"]));
        inner.Output.Add(Value("then_out", DataType.Float, 2, 64));
        var innerElse = new GraphProto { Name = "inner_else" };
        innerElse.Node.Add(Node("Identity", "inner_id", ["t"], ["else_out"]));
        innerElse.Output.Add(Value("else_out", DataType.Float, 2, 64));

        var body = new GraphProto { Name = "body" };
        body.Input.Add(Value("iter", DataType.Int64));
        body.Input.Add(Value("cond_in", DataType.Bool));
        body.Input.Add(Value("h_in", DataType.Float, 2, 64));
        body.Initializer.Add(OnnxTensorData.FromFloat32("W", Weights(64 * 64, 21), [64, 64]));
        body.Initializer.Add(OnnxTensorData.FromFloat32("B", Weights(64, 23), [64]));
        body.Node.Add(Node("Gemm", "body_gemm", ["h_in", "W", "B"], ["g"], Int("transB", 1)));
        body.Node.Add(Node("Tanh", "body_tanh", ["g"], ["t"]));
        body.Node.Add(Node("If", "body_if", ["cond_in"], ["h_out"], Graph("then_branch", inner), Graph("else_branch", innerElse)));
        body.Node.Add(Node("Identity", "body_cond", ["cond_in"], ["cond_out"]));
        body.Output.Add(Value("cond_out", DataType.Bool));
        body.Output.Add(Value("h_out", DataType.Float, 2, 64));

        var graph = new GraphProto { Name = "loop" };
        graph.Input.Add(Value("X", DataType.Float, 2, 64));
        graph.Input.Add(Value("keep", DataType.Bool));
        graph.Initializer.Add(OnnxTensorData.Int64("trips", [3]));
        graph.Output.Add(Value("Y", DataType.Float, 2, 64));
        graph.Node.Add(Node("Loop", "Loop_3", ["trips", "keep", "X"], ["Y"], Graph("body", body)));
        return Wrap(graph);
    }

    /// <summary>A Scan over the rows of X [5, 64]: s ← s + x·W (W [64, 64] in the body), every s as an output row.</summary>
    public static ModelProto Scan()
    {
        var body = new GraphProto { Name = "scan_body" };
        body.Input.Add(Value("s_in", DataType.Float, 64));
        body.Input.Add(Value("x", DataType.Float, 64));
        body.Initializer.Add(OnnxTensorData.FromFloat32("W", Weights(64 * 64, 31), [64, 64]));
        body.Node.Add(Node("MatMul", "scan_matmul", ["x", "W"], ["xw"]));
        body.Node.Add(Node("Add", "scan_add", ["s_in", "xw"], ["s_out"]));
        body.Node.Add(Node("Identity", "scan_row", ["s_out"], ["row"]));
        body.Output.Add(Value("s_out", DataType.Float, 64));
        body.Output.Add(Value("row", DataType.Float, 64));
        var graph = new GraphProto { Name = "scan" };
        graph.Input.Add(Value("S", DataType.Float, 64));
        graph.Input.Add(Value("X", DataType.Float, 5, 64));
        graph.Output.Add(Value("S_final", DataType.Float, 64));
        graph.Output.Add(Value("Rows", DataType.Float, 5, 64));
        graph.Node.Add(Node("Scan", "scan", ["S", "X"], ["S_final", "Rows"], Graph("body", body), Int("num_scan_inputs", 1)));
        return Wrap(graph);
    }
}
