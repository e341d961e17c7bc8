using Condense.Formats.Onnx;
using Google.Protobuf;
using Onnx;

namespace Condense.Tests.Graph;

/// <summary>Small hand-built graphs for the runtime-encoding tests.</summary>
internal static class TinyModels
{
    public static float[] Random(int n, int seed, float scale = 1f)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1) * scale).ToArray();
    }

    static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "batch" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    static ModelProto Model(GraphProto graph, long opset = 13)
    {
        var m = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "tests" };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return m;
    }

    /// <summary>Y = X [batch, k] × W [k, n] + b.</summary>
    public static (ModelProto Model, float[] W, float[] B) MatMulAdd(int k, int n, int seed)
    {
        var w = Random(k * n, seed, 0.2f);
        var b = Random(n, seed + 1, 0.1f);
        var g = new GraphProto { Name = "matmul" };
        g.Input.Add(Value("X", TensorProto.Types.DataType.Float, -1, k));
        g.Output.Add(Value("Y", TensorProto.Types.DataType.Float, -1, n));
        g.Initializer.Add(OnnxTensorData.FromFloat32("W", w, [k, n]));
        g.Initializer.Add(OnnxTensorData.FromFloat32("B", b, [n]));
        var mm = new NodeProto { OpType = "MatMul", Name = "mm" };
        mm.Input.Add("X"); mm.Input.Add("W"); mm.Output.Add("XW");
        var add = new NodeProto { OpType = "Add", Name = "bias" };
        add.Input.Add("XW"); add.Input.Add("B"); add.Output.Add("Y");
        g.Node.Add(mm); g.Node.Add(add);
        return (Model(g), w, b);
    }

    /// <summary>Y = table[ids] for ids int64 [1, count].</summary>
    public static (ModelProto Model, float[] Table) Embedding(int rows, int dim, int seed)
    {
        var table = Random(rows * dim, seed);
        var g = new GraphProto { Name = "embedding" };
        g.Input.Add(Value("ids", TensorProto.Types.DataType.Int64, 1, -1));
        g.Output.Add(Value("Y", TensorProto.Types.DataType.Float, 1, -1, dim));
        g.Initializer.Add(OnnxTensorData.FromFloat32("table", table, [rows, dim]));
        var gather = new NodeProto { OpType = "Gather", Name = "gather" };
        gather.Input.Add("table"); gather.Input.Add("ids"); gather.Output.Add("Y");
        g.Node.Add(gather);
        return (Model(g), table);
    }

    public static OnnxRuntimeRunner Runner(ModelProto model) => new(model.ToByteArray(), "test");

    public static float[] Run(ModelProto model, params TensorProto[] inputs)
    {
        using var runner = Runner(model);
        return OnnxTensorData.ToFloat32(runner.Run(inputs)[0]);
    }

    public static float[] MatMul(float[] x, float[] w, int rows, int k, int n)
    {
        var y = new float[rows * n];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int i = 0; i < k; i++) s += (double)x[r * k + i] * w[i * n + j];
                y[r * n + j] = (float)s;
            }
        return y;
    }
}
