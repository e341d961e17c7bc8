using Condense.Metrics;
using Condense.Formats.Onnx;
using Onnx;

namespace Condense.Graph.Structure;

/// <summary>
/// Replaces a linear layer by two thinner ones in the graph: MatMul/Gemm X·M becomes (X·A)·B (a
/// new MatMul, then the original node with B), a Conv becomes a k×k Conv with r output channels
/// (A) followed by the original node as a 1×1 Conv (B) that keeps the bias. The original node
/// keeps its name and output, so everything downstream is untouched.
/// </summary>
public static class LowRankRewriter
{
    /// <summary>One layer's factors: A (K×r) and B (r×N), row-major.</summary>
    public sealed record Factors(MatrixLayer Layer, int Rank, float[] A, float[] B);

    /// <summary>A copy of <paramref name="model"/> with each layer factorised.</summary>
    public static ModelProto Apply(ModelProto model, IReadOnlyList<Factors> factors)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(factors);
        var proto = model.Clone();
        var graph = proto.Graph;
        foreach (var f in factors)
        {
            var node = graph.Node.First(n => n.Name == f.Layer.Node.Name);
            var weight = f.Layer.Weight;
            var aName = weight.Name + ".lowrank_a";
            var mid = node.Output[0] + ".lowrank";
            var first = new NodeProto { Name = node.Name + ".lowrank_a", OpType = f.Layer.Kind == MatrixLayerKind.Conv ? "Conv" : "MatMul" };
            first.Input.Add(node.Input[0]);
            first.Input.Add(aName);
            first.Output.Add(mid);
            int k = f.Layer.K, n = f.Layer.N, r = f.Rank;
            if (f.Layer.Kind == MatrixLayerKind.Conv)
            {
                graph.Initializer.Add(OnnxTensorData.FromFloat32(aName, RowMajor.Transpose(f.A, k, r), [r, k / f.Layer.KernelArea, weight.Dims[2], weight.Dims[3]]));
                first.Attribute.AddRange(node.Attribute.Select(a => a.Clone()));
                Replace(graph, OnnxTensorData.FromFloat32(weight.Name, RowMajor.Transpose(f.B, r, n), [n, r, 1, 1]));
                node.Attribute.Clear();
                node.Attribute.Add(Ints("kernel_shape", 1, 1));
            }
            else
            {
                graph.Initializer.Add(OnnxTensorData.FromFloat32(aName, f.A, [k, r]));
                Replace(graph, OnnxTensorData.FromFloat32(weight.Name, f.B, [r, n]));
                var transB = node.Attribute.FirstOrDefault(a => a.Name == "transB");
                if (transB is not null) transB.I = 0;
            }
            node.Input[0] = mid;
            graph.Node.Insert(graph.Node.IndexOf(node), first);
        }
        graph.ValueInfo.Clear();
        return proto;
    }

    static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    static void Replace(GraphProto graph, TensorProto t)
    {
        for (int i = 0; i < graph.Initializer.Count; i++)
            if (graph.Initializer[i].Name == t.Name) { graph.Initializer[i] = t; return; }
        throw new CondenseException($"no initializer named '{t.Name}'");
    }
}
