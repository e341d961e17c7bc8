using Condense.Formats.Onnx;
using Google.Protobuf;
using Onnx;

namespace Condense.Tests.Formats.Onnx;

/// <summary>Tiny hand-built models for exact tests.</summary>
public static class OnnxSamples
{
    static float[] Weights(int count, int seed, int keepEvery = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => i % keepEvery == 0 ? (float)(random.NextDouble() * 2 - 1) : 0f).ToArray();
    }

    static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    static OnnxModel Wrap(GraphProto graph, long opset)
    {
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "condense-tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return OnnxReader.Parse(model.ToByteArray(), "sample");
    }

    /// <summary>Y = X · Wᵀ + B as Gemm(transB = 1): X [2, cols], W [rows, cols], B [rows].</summary>
    public static OnnxModel Linear(out float[] weights, int rows, int cols, long opset = 13, bool asConstant = false)
    {
        weights = Weights(rows * cols, seed: 1);
        var graph = new GraphProto { Name = "linear" };
        graph.Input.Add(Value("X", 2, cols));
        graph.Output.Add(Value("Y", 2, rows));
        var w = OnnxTensorData.FromFloat32("W", weights, [rows, cols]);
        if (asConstant)
        {
            var constant = new NodeProto { OpType = "Constant", Name = "const_W" };
            constant.Output.Add("W");
            constant.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = w });
            graph.Node.Add(constant);
        }
        else graph.Initializer.Add(w);
        graph.Initializer.Add(OnnxTensorData.FromFloat32("B", Weights(rows, seed: 2), [rows]));
        var gemm = new NodeProto { OpType = "Gemm", Name = "fc" };
        gemm.Input.AddRange(["X", "W", "B"]);
        gemm.Output.Add("Y");
        gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(gemm);
        return Wrap(graph, opset);
    }

    /// <summary>A graph whose output is a weight initializer through Identity (so ORT returns the decoded weight).</summary>
    public static OnnxModel WeightOutput(out float[] weights, int count, int keepEvery = 1, long opset = 13)
    {
        weights = Weights(count, seed: 3, keepEvery);
        var graph = new GraphProto { Name = "weights" };
        graph.Initializer.Add(OnnxTensorData.FromFloat32("W", weights, [count]));
        graph.Output.Add(Value("Y", count));
        var identity = new NodeProto { OpType = "Identity" };
        identity.Input.Add("W");
        identity.Output.Add("Y");
        graph.Node.Add(identity);
        return Wrap(graph, opset);
    }
}
