using Condense.Formats.Onnx;
using Onnx;

namespace Condense.Graph;

/// <summary>
/// Stand-in for the lead's <c>GraphFolding</c> until it lands in main: folds a
/// <c>BatchNormalization</c> (inference form) that is the only reader of a <c>Conv</c> with an
/// initializer weight into that Conv's weight and bias. QDQ around an unfolded Conv + BN blocks
/// ONNX Runtime's integer fusions, so static quantization folds first.
/// </summary>
internal static class ConvBatchNormShim
{
    public static int Fold(GraphProto graph)
    {
        var init = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var readers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var n in graph.Node) foreach (var i in n.Input) readers[i] = readers.GetValueOrDefault(i) + 1;
        foreach (var o in graph.Output) readers[o.Name] = readers.GetValueOrDefault(o.Name) + 1;
        var producer = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var n in graph.Node) foreach (var o in n.Output) producer[o] = n;
        var removed = new HashSet<NodeProto>();
        int folded = 0;
        foreach (var bn in graph.Node.Where(n => n.OpType == "BatchNormalization" && n.Output.Count == 1).ToList())
        {
            if (!producer.TryGetValue(bn.Input[0], out var conv) || conv.OpType != "Conv" || readers.GetValueOrDefault(bn.Input[0]) != 1) continue;
            if (!init.TryGetValue(conv.Input[1], out var w) || readers.GetValueOrDefault(conv.Input[1]) != 1) continue;
            if (bn.Input.Skip(1).Any(i => !init.ContainsKey(i))) continue;
            var eps = bn.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            var gamma = OnnxTensorData.ToFloat32(init[bn.Input[1]]);
            var beta = OnnxTensorData.ToFloat32(init[bn.Input[2]]);
            var mean = OnnxTensorData.ToFloat32(init[bn.Input[3]]);
            var variance = OnnxTensorData.ToFloat32(init[bn.Input[4]]);
            var weights = OnnxTensorData.ToFloat32(w);
            int outC = (int)w.Dims[0], per = weights.Length / outC;
            var bias = conv.Input.Count > 2 && conv.Input[2].Length > 0 ? OnnxTensorData.ToFloat32(init[conv.Input[2]]) : new float[outC];
            var newBias = new float[outC];
            for (int c = 0; c < outC; c++)
            {
                var s = gamma[c] / Math.Sqrt(variance[c] + eps);
                for (int j = 0; j < per; j++) weights[c * per + j] = (float)(weights[c * per + j] * s);
                newBias[c] = (float)((bias[c] - mean[c]) * s + beta[c]);
            }
            var wName = conv.Input[1];
            graph.Initializer.Remove(w);
            graph.Initializer.Add(OnnxTensorData.FromFloat32(wName, weights, w.Dims));
            var bName = $"{bn.Output[0]}__folded_bias";
            graph.Initializer.Add(OnnxTensorData.FromFloat32(bName, newBias, [outC]));
            while (conv.Input.Count < 3) conv.Input.Add("");
            conv.Input[2] = bName;
            conv.Output[0] = bn.Output[0];
            removed.Add(bn);
            folded++;
        }
        for (int i = graph.Node.Count - 1; i >= 0; i--) if (removed.Contains(graph.Node[i])) graph.Node.RemoveAt(i);
        var used = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        for (int i = graph.Initializer.Count - 1; i >= 0; i--) if (!used.Contains(graph.Initializer[i].Name)) graph.Initializer.RemoveAt(i);
        return folded;
    }
}
