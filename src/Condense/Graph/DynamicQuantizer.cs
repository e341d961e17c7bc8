using Condense.Formats.Onnx;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Graph;

/// <summary>
/// Dynamic int8 quantization for transformers, where activation ranges vary per input: every
/// MatMul by a 2-D float initializer becomes <c>com.microsoft.DynamicQuantizeMatMul</c>, which
/// quantizes its input to uint8 per run and multiplies by int8 weights (symmetric, one scale per
/// output column) on integer kernels. The weights use 7 bits ([-63, 63], ONNX Runtime's
/// <c>reduce_range</c>): on x86 without VNNI (AVX2 only: AMD Zen 3, older Intel) ONNX Runtime's u8×s8
/// kernel adds pairs of products in int16 (VPMADDUBSW), and 255·127·2 overflows it — outputs off by
/// tens of percent (seen on an AMD EPYC). 255·63·2 fits, so a file written here runs right on every
/// x86 CPU, at about twice the rounding error of 8-bit weights. A following Add of a 1-D constant [N] that only it feeds is
/// moved into the node's bias input, saving a pass over the output.
/// </summary>
public static class DynamicQuantizer
{
    /// <summary>Largest weight code: 7 bits, so ONNX Runtime's int16 pair sums cannot saturate on AVX2.</summary>
    public const int ReducedRange = 63;

    /// <summary>Rewrites <paramref name="model"/> in place; returns the number of MatMuls rewritten.</summary>
    /// <param name="model">The model.</param>
    /// <param name="only">When given, only the nodes of these weights (the planner's per-layer choice).</param>
    /// <param name="gemms">
    /// Also Gemm (transA = 0, alpha = beta = 1, no bias or a 1-D one): the weight is transposed to [K, N] when transB = 1 and
    /// the bias goes to the node's bias input. Off for <c>compress --method int8-dynamic</c>, which has always rewritten MatMul only.
    /// </param>
    public static int Quantize(ModelProto model, IReadOnlySet<string>? only = null, bool gemms = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var init = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var readers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var n in graph.Node)
            foreach (var i in n.Input.Where(i => i.Length > 0))
                (readers.TryGetValue(i, out var l) ? l : readers[i] = []).Add(n);
        var outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var taken = new HashSet<string>(graph.Node.SelectMany(n => n.Input.Concat(n.Output)).Concat(init.Keys), StringComparer.Ordinal);
        string Fresh(string stem) { var n = stem; for (int i = 1; !taken.Add(n); i++) n = $"{stem}_{i}"; return n; }
        var dropped = new HashSet<NodeProto>();
        var nodes = new List<NodeProto>();
        var added = new List<TensorProto>();
        int count = 0;
        foreach (var node in graph.Node)
        {
            if (dropped.Contains(node)) continue;
            var gemm = gemms && node.OpType == "Gemm" && PlainGemm(node, init);
            if (!(node.Domain is "" or "ai.onnx" && (node.OpType == "MatMul" || gemm) && init.TryGetValue(node.Input[1], out var w)
                  && w.Dims.Count == 2 && w.DataType == (int)DataType.Float && (only is null || only.Contains(w.Name))))
            {
                nodes.Add(node);
                continue;
            }
            var dims = w.Dims.ToArray();
            var weight = OnnxTensorData.ToFloat32(w);
            if (gemm && node.Attribute.Any(a => a.Name == "transB" && a.I == 1))
            {
                weight = Metrics.RowMajor.Transpose(weight, (int)dims[0], (int)dims[1]);
                dims = [dims[1], dims[0]];
            }
            var (codes, scales) = QdqQuantizer.SymmetricPerChannel(weight, dims, 1, ReducedRange);
            var stem = Fresh(w.Name);
            var q = new NodeProto { OpType = "DynamicQuantizeMatMul", Domain = MatMulNBitsWriter.Domain, Name = node.Name };
            q.Input.Add(node.Input[0]);
            q.Input.Add(added.AddName(OnnxTensorData.Raw($"{stem}_int8", DataType.Int8, codes, dims)));
            q.Input.Add(added.AddName(OnnxTensorData.FromFloat32($"{stem}_scale", scales, [dims[1]])));
            q.Input.Add(added.AddName(OnnxTensorData.Raw($"{stem}_zero_point", DataType.Int8, new byte[dims[1]], [dims[1]])));
            var output = node.Output[0];
            if (gemm && node.Input.Count > 2 && node.Input[2].Length > 0) q.Input.Add(node.Input[2]);
            else if (!gemm && !outputs.Contains(output) && readers.TryGetValue(output, out var r) && r.Count == 1 && r[0].OpType == "Add" && r[0].Domain is "" or "ai.onnx")
            {
                var add = r[0];
                var other = add.Input[0] == output ? add.Input[1] : add.Input[0];
                if (init.TryGetValue(other, out var bias) && bias.Dims.Count == 1 && bias.Dims[0] == dims[1] && bias.DataType == (int)DataType.Float)
                {
                    q.Input.Add(other);
                    output = add.Output[0];
                    dropped.Add(add);
                }
            }
            q.Output.Add(output);
            nodes.Add(q);
            count++;
        }
        GraphRewrite.Commit(graph, nodes, added);
        OpsetLift.DropInitializerInputs(graph);
        if (!model.OpsetImport.Any(o => o.Domain == MatMulNBitsWriter.Domain))
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MatMulNBitsWriter.Domain, Version = 1 });
        return count;
    }

    // Gemm as a MatMul plus a 1-D bias [N] (or none): what DynamicQuantizeMatMul's bias input takes.
    static bool PlainGemm(NodeProto node, Dictionary<string, TensorProto> init)
    {
        if (node.Attribute.Any(a => a.Name == "transA" && a.I != 0 || a.Name is "alpha" or "beta" && a.F != 1f)) return false;
        if (node.Input.Count < 3 || node.Input[2].Length == 0) return true;
        if (!init.TryGetValue(node.Input[1], out var w) || w.Dims.Count != 2 || !init.TryGetValue(node.Input[2], out var bias)) return false;
        var n = node.Attribute.Any(a => a.Name == "transB" && a.I == 1) ? w.Dims[0] : w.Dims[1];
        return bias.Dims.Count == 1 && bias.Dims[0] == n && bias.DataType == (int)DataType.Float;
    }

    static string AddName(this List<TensorProto> list, TensorProto t)
    {
        list.Add(t);
        return t.Name;
    }
}
