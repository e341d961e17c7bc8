using Onnx;

namespace Condense.Graph;

/// <summary>
/// A low-rank weight written by <see cref="Formats.Onnx.OnnxQuantizedMatrix"/> is decoded as one MatMul of its
/// two factors, W = P₁·P₂, which ONNX Runtime would fold back into the dense W once per session: the file is small
/// but every inference pays full-rank arithmetic. This turns the layer X·W into (X·P₁)·P₂ (Gemm with transB = 1:
/// X·Wᵀ = (X·P₂ᵀ)·P₁ᵀ), two thin products of r·(in + out) multiply-adds instead of in·out, the original node keeping
/// its name, bias and output. The bytes do not change (one decoding node fewer).
/// </summary>
public static class LowRankSplit
{
    /// <summary>Rewrites, in place, each layer of <paramref name="weights"/> whose weight is the MatMul of two factors.</summary>
    /// <param name="model">The compressed model (modified).</param>
    /// <param name="weights">The names of the low-rank weights.</param>
    /// <returns>How many layers were split.</returns>
    public static int Apply(ModelProto model, IReadOnlyCollection<string> weights)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        var graph = model.Graph;
        int split = 0;
        foreach (var weight in weights)
        {
            var producer = graph.Node.FirstOrDefault(n => n.OpType == "MatMul" && n.Output.Count == 1 && n.Output[0] == weight && n.Input.Count == 2);
            var consumers = graph.Node.Where(n => n.Input.Contains(weight)).ToList();
            if (producer is null || consumers.Count != 1 || consumers[0] is not { OpType: "MatMul" or "Gemm" } layer || layer.Input.Count < 2 || layer.Input[1] != weight)
                continue;
            var transB = layer.OpType == "Gemm" && layer.Attribute.FirstOrDefault(a => a.Name == "transB")?.I == 1;
            if (layer.OpType == "Gemm" && layer.Attribute.Any(a => a.Name == "transA" && a.I != 0)) continue;
            // [in, out] = P₁·P₂: X·P₁ first. [out, in] (transB) = P₁·P₂: X·Wᵀ = (X·P₂ᵀ)·P₁ᵀ, X·P₂ᵀ first.
            var (first, second) = transB ? (producer.Input[1], producer.Input[0]) : (producer.Input[0], producer.Input[1]);
            var thin = new NodeProto { Name = $"{layer.Name}::lowrank", OpType = layer.OpType };
            thin.Input.Add(layer.Input[0]);
            thin.Input.Add(first);
            thin.Output.Add($"{layer.Output[0]}::lowrank");
            if (transB) thin.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
            layer.Input[0] = thin.Output[0];
            layer.Input[1] = second;
            graph.Node.Remove(producer);
            graph.Node.Insert(graph.Node.IndexOf(layer), thin);
            split++;
        }
        return split;
    }
}
