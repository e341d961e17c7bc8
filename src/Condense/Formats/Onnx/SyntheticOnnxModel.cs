using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Condense.Formats.Onnx;

/// <summary>
/// A seeded synthetic ONNX model of any size for the "over 2 GiB" path: a chain of MatMuls whose
/// weights alternate [hidden, intermediate] and [intermediate, hidden] (LLaMA-7B's MLP shapes
/// 4096 × 11008 by default), written straight to external data one weight at a time, so a
/// model bigger than protobuf's limit is generated in the memory of one weight.
/// </summary>
public static class SyntheticOnnxModel
{
    /// <summary>
    /// Writes <paramref name="path"/> and <c>{path}.data</c> with <paramref name="layers"/> (even, ≥ 2)
    /// MatMuls. Weights are uniform with the variance 1/fan-in (so activations keep their scale
    /// through the chain); the input is X [1, hidden], the output Y [1, hidden].
    /// </summary>
    public static void Write(string path, int layers, int hidden = 4096, int intermediate = 11008, int seed = 0)
    {
        if (layers < 2 || layers % 2 != 0) throw new CondenseException($"synthetic ONNX model: layers must be even and ≥ 2, not {layers}");
        if (hidden < 1 || intermediate < 1) throw new CondenseException($"synthetic ONNX model: dimensions must be positive, not {hidden}×{intermediate}");
        var graph = new GraphProto { Name = "synthetic_mlp_chain" };
        graph.Input.Add(Value("X", hidden));
        graph.Output.Add(Value("Y", hidden));
        using var staged = new OnnxStagedOutput(path);
        using (var data = new OnnxExternalDataWriter(staged.DataPath, staged.DataLocation))
        {
            var previous = "X";
            for (var l = 0; l < layers; l++)
            {
                var (rows, cols) = l % 2 == 0 ? (hidden, intermediate) : (intermediate, hidden);
                var weights = new float[(long)rows * cols];
                var rng = new Random(seed * 1_000_003 + l);
                var bound = (float)Math.Sqrt(3.0 / rows);
                for (var i = 0; i < weights.Length; i++) weights[i] = (2 * rng.NextSingle() - 1) * bound;
                var name = $"layers.{l}.weight";
                var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
                tensor.Dims.AddRange([rows, cols]);
                data.Append(tensor, MemoryMarshal.AsBytes(weights.AsSpan()));
                graph.Initializer.Add(tensor);
                var output = l == layers - 1 ? "Y" : $"h{l}";
                var node = new NodeProto { OpType = "MatMul", Name = $"matmul_{l}" };
                node.Input.AddRange([previous, name]);
                node.Output.Add(output);
                graph.Node.Add(node);
                previous = output;
            }
            data.Complete();
        }
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "condense synthetic" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        OnnxWriter.Write(staged.ModelPath, model);
        staged.Commit();
    }

    static ValueInfoProto Value(string name, long width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 1 });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
