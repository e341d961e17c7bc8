using Condense.Formats.Onnx;

namespace Condense.Tests.Graph.Structure;

/// <summary>Test models, each with one pattern the dependency analysis must leave whole, beside parts it can prune.</summary>
internal static class UnfollowableModels
{
    /// <summary>p (prunable) → q → Reshape [1,4,6,6] → [1,2,12,6] (mixes q's channels) → r.</summary>
    public static TinyGraphs MixingReshape()
    {
        var t = new TinyGraphs().Input("x", 1, 3, 6, 6).Output("y", 1, 2, 12, 6);
        t.Graph.Initializer.Add(OnnxTensorData.Int64("shape", [1, 2, 12, 6], 4));
        t.Conv("p", "x", "p1", 3, 6).Node("Relu", "rp", ["p1"], "p2").Conv("q", "p2", "q1", 6, 4).Node("Relu", "rq", ["q1"], "q2")
         .Node("Reshape", "mix", ["q2", "shape"], "m").Conv("r", "m", "y", 2, 2);
        return t;
    }

    /// <summary>m1 → m2 → s1 (weight S) → s2 (the same S) → out: S is used twice.</summary>
    public static TinyGraphs SharedWeight()
    {
        var t = new TinyGraphs().Input("x", 2, 8).Output("y", 2, 3);
        t.Node("MatMul", "m1", ["x", t.Weight("A", 8, 10)], "a").Node("Relu", "r1", ["a"], "a2")
         .Node("MatMul", "m2", ["a2", t.Weight("B", 10, 6)], "b").Node("Relu", "r2", ["b"], "b2")
         .Node("MatMul", "s1", ["b2", t.Weight("S", 6, 6)], "c").Node("Relu", "r3", ["c"], "c2")
         .Node("MatMul", "s2", ["c2", "S"], "d").Node("MatMul", "out", ["d", t.Weight("O", 6, 3)], "y");
        return t;
    }

    /// <summary>A transformer FFN: MatMul → Add bias → GELU (x·½·(1 + erf(x/√2))) → MatMul → Add bias, on [1, 5, 8].</summary>
    public static TinyGraphs Ffn()
    {
        var t = new TinyGraphs().Input("x", 1, 5, 8).Output("y", 1, 5, 8);
        t.Graph.Initializer.Add(OnnxTensorData.FromFloat32("sqrt2", [1.4142135f], []));
        t.Graph.Initializer.Add(OnnxTensorData.FromFloat32("one", [1f], []));
        t.Graph.Initializer.Add(OnnxTensorData.FromFloat32("half", [0.5f], []));
        t.Node("MatMul", "w1", ["x", t.Weight("W1", 8, 16)], "h").Node("Add", "bias1", ["h", t.Weight("b1", 16)], "hb")
         .Node("Div", "div", ["hb", "sqrt2"], "d").Node("Erf", "erf", ["d"], "e").Node("Add", "plus1", ["e", "one"], "e1")
         .Node("Mul", "mul", ["hb", "e1"], "g").Node("Mul", "halve", ["g", "half"], "g2")
         .Node("MatMul", "w2", ["g2", t.Weight("W2", 16, 8)], "o").Node("Add", "bias2", ["o", t.Weight("b2", 8)], "y");
        return t;
    }
}
