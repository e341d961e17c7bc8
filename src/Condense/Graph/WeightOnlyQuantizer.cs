using Condense.Metrics;
using Condense.Formats.Onnx;
using Condense.Quantization;
using Onnx;

namespace Condense.Graph;

/// <summary>
/// Weight-only block quantization whose weights stay compressed in ONNX Runtime's memory (unlike a
/// <c>DequantizeLinear</c> on a weight, which the runtime folds back to float at load):
/// every MatMul by a 2-D float initializer (and every Gemm with transB, alpha = beta = 1, as
/// MatMul + Add) becomes <c>MatMulNBits</c>; optionally, every Gather from
/// a 2-D float initializer along axis 0 becomes <c>GatherBlockQuantized</c> with uint4 blocks (4 bits, when asked).
/// </summary>
public static class WeightOnlyQuantizer
{
    /// <summary>Counts of what was rewritten.</summary>
    public sealed record Result(int MatMuls, int Gathers);

    /// <summary>
    /// Rewrites <paramref name="model"/> in place. <paramref name="codesFor"/> may supply codes for a
    /// weight (by initializer name, e.g. from GPTQ); otherwise round-to-nearest is used. <paramref name="only"/>, when given,
    /// limits the rewrite to the MatMul/Gemm nodes of those weights (the planner's per-layer choice).
    /// </summary>
    public static Result Quantize(ModelProto model, int bits, int blockSize, int accuracyLevel, bool symmetric, bool embeddings,
        Func<string, float[], int, int, BlockCodes?>? codesFor = null, IReadOnlySet<string>? only = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (bits is not (2 or 4 or 8)) throw new CondenseException($"MatMulNBits: ONNX Runtime's CPU kernel runs 2, 4 or 8 bits, not {bits}");
        var graph = model.Graph;
        var init = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var taken = new HashSet<string>(graph.Node.SelectMany(n => n.Input.Concat(n.Output)).Concat(init.Keys), StringComparer.Ordinal);
        string Fresh(string stem) { var n = stem; for (int i = 1; !taken.Add(n); i++) n = $"{stem}_{i}"; return n; }
        var nodes = new List<NodeProto>();
        var added = new List<TensorProto>();
        int matmuls = 0, gathers = 0;
        bool usesInt4 = false;
        foreach (var node in graph.Node)
        {
            if (node.Domain is "" or "ai.onnx" && node.OpType is "MatMul" or "Gemm" && node.Input.Count >= 2
                && init.TryGetValue(node.Input[1], out var w) && w.Dims.Count == 2 && w.DataType == (int)TensorProto.Types.DataType.Float
                && (node.OpType == "MatMul" || GemmIsPlain(node)) && (only is null || only.Contains(w.Name)))
            {
                var values = OnnxTensorData.ToFloat32(w);
                int k = (int)w.Dims[0], n = (int)w.Dims[1];
                if (node.OpType == "Gemm" && node.Attribute.Any(a => a.Name == "transB" && a.I == 1))
                {
                    (k, n) = (n, k);
                    values = RowMajor.Transpose(values, n, k);
                }
                if (k < blockSize) { nodes.Add(node); continue; }
                var codes = codesFor?.Invoke(w.Name, values, k, n) ?? BlockCodes.RoundToNearest(values, k, n, bits, blockSize, symmetric);
                var hasBias = node.OpType == "Gemm" && node.Input.Count > 2 && node.Input[2].Length > 0;
                var output = hasBias ? Fresh($"{node.Output[0]}_nobias") : node.Output[0];
                var (tensors, q) = MatMulNBitsWriter.Write(codes, node.Input[0], output, Fresh(w.Name), accuracyLevel);
                q.Name = node.Name;
                added.AddRange(tensors);
                nodes.Add(q);
                if (hasBias)
                {
                    var add = new NodeProto { OpType = "Add" };
                    add.Input.Add(output);
                    add.Input.Add(node.Input[2]);
                    add.Output.Add(node.Output[0]);
                    nodes.Add(add);
                }
                matmuls++;
                continue;
            }
            if (embeddings && bits == 4 && node.Domain is "" or "ai.onnx" && node.OpType == "Gather"
                && init.TryGetValue(node.Input[0], out var table) && table.Dims.Count == 2 && table.DataType == (int)TensorProto.Types.DataType.Float
                && (node.Attribute.FirstOrDefault(a => a.Name == "axis")?.I ?? 0) == 0 && table.Dims[1] % blockSize == 0)
            {
                var (tensors, q) = GatherBlockQuantizedWriter.Write(OnnxTensorData.ToFloat32(table), (int)table.Dims[0], (int)table.Dims[1],
                    blockSize, node.Input[1], node.Output[0], Fresh(table.Name));
                q.Name = node.Name;
                added.AddRange(tensors);
                nodes.Add(q);
                gathers++;
                usesInt4 = true;
                continue;
            }
            nodes.Add(node);
        }
        GraphRewrite.Commit(graph, nodes, added);
        OpsetLift.DropInitializerInputs(graph);
        if (!model.OpsetImport.Any(o => o.Domain == MatMulNBitsWriter.Domain))
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MatMulNBitsWriter.Domain, Version = 1 });
        if (usesInt4 && model.IrVersion < 10) model.IrVersion = 10;
        return new Result(matmuls, gathers);
    }

    static bool GemmIsPlain(NodeProto node) =>
        !node.Attribute.Any(a => a.Name == "transA" && a.I != 0)
        && !node.Attribute.Any(a => a.Name is "alpha" or "beta" && a.F != 1f);
}
