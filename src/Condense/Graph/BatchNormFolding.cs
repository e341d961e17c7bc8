using Condense.Formats.Onnx;
using Onnx;

namespace Condense.Graph;

/// <summary>
/// Merges an inference BatchNormalization into the Conv or Gemm whose output it alone reads:
/// with s = γ / √(σ² + ε), the weights of output channel m become s·W[m] and the bias
/// s·(b[m] − μ[m]) + β[m]. Exact in real arithmetic; computed in double, stored in float.
/// </summary>
internal static class BatchNormFolding
{
    /// <summary>Folds every foldable BatchNormalization of <paramref name="graph"/>; returns how many, adding a line to <paramref name="left"/> for each it could not.</summary>
    public static int FoldAll(GraphProto graph, List<string> left)
    {
        var folded = 0;
        foreach (var bn in graph.Node.Where(n => n.OpType == "BatchNormalization" && n.Domain is "" or "ai.onnx").ToList())
        {
            var uses = new GraphUses(graph);
            var why = TryFold(graph, uses, bn);
            if (why is null) folded++;
            else left.Add($"{NodeName(bn)} (BatchNormalization): {why}");
        }
        return folded;
    }

    internal static string NodeName(NodeProto node) => node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault() ?? "(unnamed)";

    static string? TryFold(GraphProto graph, GraphUses uses, NodeProto bn)
    {
        if (bn.Input.Count < 5) return "fewer than 5 inputs";
        if (bn.Output.Skip(1).Any(o => o.Length > 0 && uses.IsRead(o))) return "its training outputs are read";
        if (bn.Attribute.FirstOrDefault(a => a.Name == "training_mode") is { I: not 0 }) return "training mode";
        var x = bn.Input[0];
        var producer = graph.Node.FirstOrDefault(n => n.Output.Count > 0 && n.Output[0] == x);
        if (producer is null || producer.Domain is not ("" or "ai.onnx") || producer.OpType is not ("Conv" or "Gemm"))
            return "its input does not come from a Conv or Gemm";
        if (uses.Consumers(x).Count != 1 || uses.EscapesNodes(x)) return $"the output of {NodeName(producer)} is read elsewhere too";
        var p = bn.Input.Skip(1).Take(4).Select(n => Initializer(graph, n)).ToArray();
        if (p.Any(t => t is null || !OnnxTensorData.IsFloat(t.DataType))) return "its scale, bias, mean or variance is not a float initializer";
        var gamma = OnnxTensorData.ToFloat32(p[0]!);
        var beta = OnnxTensorData.ToFloat32(p[1]!);
        var mean = OnnxTensorData.ToFloat32(p[2]!);
        var variance = OnnxTensorData.ToFloat32(p[3]!);
        var channels = gamma.Length;
        if (beta.Length != channels || mean.Length != channels || variance.Length != channels) return "its parameters differ in length";
        var epsilon = bn.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
        var s = new double[channels];
        var shift = new double[channels];
        for (int m = 0; m < channels; m++)
        {
            s[m] = gamma[m] / Math.Sqrt((double)variance[m] + epsilon);
            shift[m] = beta[m] - s[m] * mean[m];
        }
        var why = producer.OpType == "Conv" ? FoldIntoConv(graph, uses, producer, s, shift) : FoldIntoGemm(graph, uses, producer, s, shift);
        if (why is not null) return why;
        producer.Output[0] = bn.Output[0];
        graph.Node.Remove(bn);
        foreach (var info in graph.ValueInfo.Where(v => v.Name == x).ToList()) graph.ValueInfo.Remove(info);
        return null;
    }

    static string? FoldIntoConv(GraphProto graph, GraphUses uses, NodeProto conv, double[] s, double[] shift)
    {
        if (conv.Input.Count < 2 || Initializer(graph, conv.Input[1]) is not { } w || !OnnxTensorData.IsFloat(w.DataType))
            return $"the weight of {NodeName(conv)} is not a float initializer";
        if (w.Dims.Count < 3 || w.Dims[0] != s.Length) return $"the weight of {NodeName(conv)} has {(w.Dims.Count > 0 ? w.Dims[0] : 0)} output channels, not {s.Length}";
        var weights = OnnxTensorData.ToFloat32(w);
        var perChannel = weights.Length / s.Length;
        for (int m = 0; m < s.Length; m++)
            for (int i = 0; i < perChannel; i++)
                weights[m * perChannel + i] = (float)(weights[m * perChannel + i] * s[m]);
        float[]? bias = null;
        if (conv.Input.Count > 2 && conv.Input[2].Length > 0)
        {
            if (Initializer(graph, conv.Input[2]) is not { } b || OnnxTensorData.ToFloat32(b) is not { } values || values.Length != s.Length)
                return $"the bias of {NodeName(conv)} is not a float initializer of {s.Length} values";
            bias = values;
        }
        var newBias = new float[s.Length];
        for (int m = 0; m < s.Length; m++) newBias[m] = (float)(s[m] * (bias?[m] ?? 0) + shift[m]);
        conv.Input[1] = Replace(graph, uses, conv.Input[1], weights, w.Dims);
        var biasName = conv.Input.Count > 2 && conv.Input[2].Length > 0 ? conv.Input[2] : FreshName(graph, conv.Input[1] + "_bias");
        var replaced = Replace(graph, uses, biasName, newBias, [s.Length], exists: conv.Input.Count > 2 && conv.Input[2].Length > 0);
        if (conv.Input.Count > 2) conv.Input[2] = replaced; else conv.Input.Add(replaced);
        return null;
    }

    static string? FoldIntoGemm(GraphProto graph, GraphUses uses, NodeProto gemm, double[] s, double[] shift)
    {
        float Attr(string name, float fallback) => gemm.Attribute.FirstOrDefault(a => a.Name == name)?.F ?? fallback;
        long IntAttr(string name) => gemm.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? 0;
        if (Attr("alpha", 1) != 1 || Attr("beta", 1) != 1) return $"{NodeName(gemm)} has alpha or beta other than 1";
        if (Initializer(graph, gemm.Input[1]) is not { } w || !OnnxTensorData.IsFloat(w.DataType) || w.Dims.Count != 2)
            return $"the weight of {NodeName(gemm)} is not a 2-D float initializer";
        var transB = IntAttr("transB") != 0;
        var n = transB ? w.Dims[0] : w.Dims[1];
        if (n != s.Length) return $"{NodeName(gemm)} has {n} outputs, not {s.Length}";
        var weights = OnnxTensorData.ToFloat32(w);
        for (long r = 0; r < w.Dims[0]; r++)
            for (long c = 0; c < w.Dims[1]; c++)
                weights[r * w.Dims[1] + c] = (float)(weights[r * w.Dims[1] + c] * s[transB ? r : c]);
        float[]? bias = null;
        var hasBias = gemm.Input.Count > 2 && gemm.Input[2].Length > 0;
        if (hasBias)
        {
            if (Initializer(graph, gemm.Input[2]) is not { } b || OnnxTensorData.ToFloat32(b) is not { } values)
                return $"the bias of {NodeName(gemm)} is not a float initializer";
            if (values.Length == 1) values = Enumerable.Repeat(values[0], s.Length).ToArray();
            if (values.Length != s.Length) return $"the bias of {NodeName(gemm)} does not have one value per output";
            bias = values;
        }
        var newBias = new float[s.Length];
        for (int m = 0; m < s.Length; m++) newBias[m] = (float)(s[m] * (bias?[m] ?? 0) + shift[m]);
        gemm.Input[1] = Replace(graph, uses, gemm.Input[1], weights, w.Dims);
        var biasName = hasBias ? gemm.Input[2] : FreshName(graph, gemm.Input[1] + "_bias");
        var replaced = Replace(graph, uses, biasName, newBias, [s.Length], exists: hasBias);
        if (gemm.Input.Count > 2) gemm.Input[2] = replaced; else gemm.Input.Add(replaced);
        return null;
    }

    /// <summary>
    /// Puts <paramref name="values"/> under <paramref name="name"/>: in place when this node alone
    /// reads that initializer, else as a new initializer with a fresh name (the others keep theirs).
    /// </summary>
    static string Replace(GraphProto graph, GraphUses uses, string name, float[] values, IEnumerable<long> dims, bool exists = true)
    {
        var shared = exists && (uses.Consumers(name).Count > 1 || uses.EscapesNodes(name) || graph.Input.Any(i => i.Name == name));
        var target = !exists || shared ? FreshName(graph, name + "_folded") : name;
        if (exists && !shared) graph.Initializer.Remove(Initializer(graph, name)!);
        graph.Initializer.Add(OnnxTensorData.FromFloat32(target, values, dims));
        return target;
    }

    internal static TensorProto? Initializer(GraphProto graph, string name) => graph.Initializer.FirstOrDefault(t => t.Name == name);

    internal static string FreshName(GraphProto graph, string stem)
    {
        var taken = graph.Node.SelectMany(n => n.Output).Concat(graph.Initializer.Select(t => t.Name)).Concat(graph.Input.Select(i => i.Name)).ToHashSet(StringComparer.Ordinal);
        if (!taken.Contains(stem)) return stem;
        for (int i = 1; ; i++)
            if (!taken.Contains($"{stem}_{i}")) return $"{stem}_{i}";
    }
}
