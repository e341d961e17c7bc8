using Condense.Formats.Onnx;

namespace Condense.Tests.Graph.Structure;

/// <summary>
/// Multi-head self-attention as PyTorch exports BERT (MiniLM): each projection reshaped to heads by
/// a target computed from its own Shape (Shape → Gather → Unsqueeze → Concat with the stored head
/// count and size), Q·Kᵀ, scale, Softmax, ·V, merged back by the same kind of reshape, output
/// projection; then a small FFN so something else is prunable. x: [1, 5, 8], 2 heads of 4.
/// </summary>
internal static class AttentionModels
{
    public const int Heads = 2, HeadSize = 4, Width = 8;

    /// <param name="interleaved">Heads interleaved with the head size ([B, S, D, H], heads innermost): a split the matcher must not follow.</param>
    public static TinyGraphs SelfAttention(bool interleaved = false)
    {
        var t = new TinyGraphs().Input("x", 1, 5, Width).Output("y", 1, 5, Width);
        var g = t.Graph;
        g.Initializer.Add(OnnxTensorData.Int64("i0", [0]));
        g.Initializer.Add(OnnxTensorData.Int64("i1", [1]));
        g.Initializer.Add(OnnxTensorData.FromFloat32("scale", [2f], []));
        string Split(string role, long[] perm)
        {
            t.Node("MatMul", role, ["x", t.Weight("W" + role, Width, Width)], role + "m").Node("Add", role + "_bias", [t.Weight("b" + role, Width), role + "m"], role + "p");
            var (a, b) = interleaved ? (HeadSize, Heads) : (Heads, HeadSize);
            g.Initializer.Add(OnnxTensorData.Int64(role + "_c2", [a], 1));
            g.Initializer.Add(OnnxTensorData.Int64(role + "_c3", [b], 1));
            Dims(t, role + "p", role);
            t.Node("Concat", role + "_target", [role + "_ub", role + "_us", role + "_c2", role + "_c3"], role + "_shape", TinyGraphs.Int("axis", 0))
             .Node("Reshape", role + "_split", [role + "p", role + "_shape"], role + "r")
             .Node("Transpose", role + "_heads", [role + "r"], role + "t", TinyGraphs.Ints("perm", perm));
            return role + "t";
        }
        var q = Split("q", interleaved ? [0, 3, 1, 2] : [0, 2, 1, 3]);
        var k = Split("k", interleaved ? [0, 3, 2, 1] : [0, 2, 3, 1]);
        var v = Split("v", interleaved ? [0, 3, 1, 2] : [0, 2, 1, 3]);
        t.Node("MatMul", "scores", [q, k], "s").Node("Div", "scaled", ["s", "scale"], "s2").Node("Softmax", "softmax", ["s2"], "p", TinyGraphs.Int("axis", -1))
         .Node("MatMul", "context", ["p", v], "c").Node("Transpose", "merge_heads", ["c"], "ct", TinyGraphs.Ints("perm", interleaved ? [0, 2, 3, 1] : [0, 2, 1, 3]));
        g.Initializer.Add(OnnxTensorData.Int64("o_c2", [Width], 1));
        Dims(t, "ct", "o");
        t.Node("Concat", "o_target", ["o_ub", "o_us", "o_c2"], "o_shape", TinyGraphs.Int("axis", 0)).Node("Reshape", "merge", ["ct", "o_shape"], "cm")
         .Node("MatMul", "out", ["cm", t.Weight("Wo", Width, Width)], "om").Node("Add", "out_bias", [t.Weight("bo", Width), "om"], "a")
         .Node("MatMul", "ffn1", ["a", t.Weight("W1", Width, 16)], "h").Node("Relu", "relu", ["h"], "h2").Node("MatMul", "ffn2", ["h2", t.Weight("W2", 16, Width)], "y");
        return t;
    }

    /// <summary>Batch and sequence length of <paramref name="value"/>, as one-element vectors <c>{prefix}_ub</c>, <c>{prefix}_us</c>.</summary>
    static void Dims(TinyGraphs t, string value, string prefix)
    {
        t.Graph.Initializer.Add(OnnxTensorData.Int64(prefix + "_axes", [0], 1));
        t.Node("Shape", prefix + "_shapeof", [value], prefix + "_dims")
         .Node("Gather", prefix + "_batch", [prefix + "_dims", "i0"], prefix + "_b", TinyGraphs.Int("axis", 0))
         .Node("Gather", prefix + "_seq", [prefix + "_dims", "i1"], prefix + "_s", TinyGraphs.Int("axis", 0))
         .Node("Unsqueeze", prefix + "_ubatch", [prefix + "_b", prefix + "_axes"], prefix + "_ub")
         .Node("Unsqueeze", prefix + "_useq", [prefix + "_s", prefix + "_axes"], prefix + "_us");
    }
}
