using Condense.Formats.Onnx;
using Onnx;
using AttributeType = Onnx.AttributeProto.Types.AttributeType;

namespace Condense.Tests.Workflows;

/// <summary>Small hand-built ONNX graphs with every layer kind data-aware quantization handles.</summary>
internal static class TinyOnnxModels
{
    static float[] Uniform(Random rng, int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();

    static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }

    static NodeProto Node(string op, string name, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.AddRange(inputs);
        n.Output.Add(output);
        n.Attribute.AddRange(attributes);
        return n;
    }

    static AttributeProto Ints(string name, params long[] v) { var a = new AttributeProto { Name = name, Type = AttributeType.Ints }; a.Ints.AddRange(v); return a; }
    static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeType.Int, I = v };

    /// <summary>
    /// x [1, 4, 8, 8] → Conv 3×3 pad 1 (8 out) → Relu → Conv 3×3 stride 2, 2 groups (8 out) → Relu →
    /// Flatten [1, 128] → MatMul [128, 24] → Relu → Gemm transB (W [10, 24]) → y [1, 10].
    /// </summary>
    public static ModelProto ConvNet(int seed = 0)
    {
        var rng = new Random(seed);
        var g = new GraphProto { Name = "tiny" };
        g.Input.Add(Value("x", 1, 4, 8, 8));
        g.Output.Add(Value("y", 1, 10));
        g.Initializer.Add(OnnxTensorData.FromFloat32("conv1.w", Uniform(rng, 8 * 4 * 9, 0.3), [8, 4, 3, 3]));
        g.Initializer.Add(OnnxTensorData.FromFloat32("conv2.w", Uniform(rng, 8 * 4 * 9, 0.3), [8, 4, 3, 3]));
        g.Initializer.Add(OnnxTensorData.FromFloat32("fc1.w", Uniform(rng, 128 * 24, 0.2), [128, 24]));
        g.Initializer.Add(OnnxTensorData.FromFloat32("fc2.w", Uniform(rng, 10 * 24, 0.3), [10, 24]));
        g.Initializer.Add(OnnxTensorData.FromFloat32("fc2.b", Uniform(rng, 10, 0.1), [10]));
        g.Node.Add(Node("Conv", "conv1", ["x", "conv1.w"], "c1", Ints("pads", 1, 1, 1, 1)));
        g.Node.Add(Node("Relu", "relu1", ["c1"], "r1"));
        g.Node.Add(Node("Conv", "conv2", ["r1", "conv2.w"], "c2", Ints("pads", 1, 1, 1, 1), Ints("strides", 2, 2), Int("group", 2)));
        g.Node.Add(Node("Relu", "relu2", ["c2"], "r2"));
        g.Node.Add(Node("Flatten", "flatten", ["r2"], "f"));
        g.Node.Add(Node("MatMul", "fc1", ["f", "fc1.w"], "h"));
        g.Node.Add(Node("Relu", "relu3", ["h"], "hr"));
        g.Node.Add(Node("Gemm", "fc2", ["hr", "fc2.w", "fc2.b"], "y", Int("transB", 1)));
        var model = new ModelProto { IrVersion = 7, Graph = g, ProducerName = "condense-tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model;
    }

    /// <summary>
    /// x [1, 8, 8, 8] → Conv 3×3 pad 1 (32 out, one group, weight "full.w") → Relu → depthwise Conv 3×3 pad 1
    /// (32 groups, weight "dw.w") → y [1, 32, 8, 8]: a Conv whose unfolded matrix is [32, 72] and one of 32 groups.
    /// </summary>
    public static ModelProto ConvThenDepthwise(int seed = 0)
    {
        var rng = new Random(seed);
        var g = new GraphProto { Name = "convs" };
        g.Input.Add(Value("x", 1, 8, 8, 8));
        g.Output.Add(Value("y", 1, 32, 8, 8));
        g.Initializer.Add(OnnxTensorData.FromFloat32("full.w", Uniform(rng, 32 * 8 * 9, 0.2), [32, 8, 3, 3]));
        g.Initializer.Add(OnnxTensorData.FromFloat32("dw.w", Uniform(rng, 32 * 9, 0.3), [32, 1, 3, 3]));
        g.Node.Add(Node("Conv", "full", ["x", "full.w"], "c1", Ints("pads", 1, 1, 1, 1)));
        g.Node.Add(Node("Relu", "relu", ["c1"], "r1"));
        g.Node.Add(Node("Conv", "depthwise", ["r1", "dw.w"], "y", Ints("pads", 1, 1, 1, 1), Int("group", 32)));
        var model = new ModelProto { IrVersion = 7, Graph = g, ProducerName = "condense-tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model;
    }

    /// <summary>y = x · W for a [k, n] initializer W: with x = I the output is the decoded W itself.</summary>
    public static ModelProto MatMul(float[] w, int k, int n)
    {
        var g = new GraphProto { Name = "matmul" };
        g.Input.Add(Value("x", k, k));
        g.Output.Add(Value("y", k, n));
        g.Initializer.Add(OnnxTensorData.FromFloat32("w", w, [k, n]));
        g.Node.Add(Node("MatMul", "mm", ["x", "w"], "y"));
        var model = new ModelProto { IrVersion = 7, Graph = g };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model;
    }
}
