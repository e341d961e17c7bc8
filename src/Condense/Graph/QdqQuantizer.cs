using Condense.Formats.Onnx;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Graph;

/// <summary>
/// Static int8 quantization in QDQ form, laid out the way ONNX Runtime's QDQ fusions expect so the
/// file runs on integer kernels rather than being folded back to float: every activation that
/// enters or leaves a Conv / MatMul / Gemm / residual Add / pooling node passes through a
/// <c>QuantizeLinear</c>→<c>DequantizeLinear</c> pair; weights are int8, symmetric, one scale per
/// output channel, behind a <c>DequantizeLinear</c>; biases are int32 at scale
/// input scale × weight scale (the runtime's Conv/Gemm selectors require exactly that).
/// A Relu (or Clip) directly after a node is left inside the pair (Conv→Relu→Q), and its output's
/// range starts at 0, so the zero point is the grid's minimum and the runtime drops the Relu
/// (ReluQuantFusion) before fusing Conv→Q into <c>QLinearConv</c>. MaxPool keeps its input's scale
/// (the runtime runs it on integers only when both sides share one). Needs opset ≥ 13 (per-channel
/// <c>DequantizeLinear</c>); BatchNormalization should be folded first.
/// </summary>
public static class QdqQuantizer
{
    static readonly HashSet<string> Quantized = ["Conv", "MatMul", "Gemm", "Add", "MaxPool", "AveragePool", "GlobalAveragePool"];

    /// <summary>The activation values whose ranges <see cref="Quantize"/> needs, in graph order.</summary>
    public static IReadOnlyList<string> ValuesToCalibrate(GraphProto graph) => Plan(graph).Calibrated;

    /// <summary>
    /// Rewrites <paramref name="model"/> in place. <paramref name="ranges"/> gives [lo, hi] for every
    /// name of <see cref="ValuesToCalibrate"/>; <paramref name="signedActivations"/> picks int8
    /// (else uint8) activations. Returns how many nodes were put between integer pairs.
    /// </summary>
    public static int Quantize(ModelProto model, IReadOnlyDictionary<string, (float Lo, float Hi)> ranges, bool signedActivations, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        var opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();
        if (opset < 13) throw new CondenseException($"{source}: static QDQ quantization needs opset 13 or later (lift it first), not {opset}");
        var graph = model.Graph;
        var plan = Plan(graph);
        var taken = new HashSet<string>(graph.Node.SelectMany(n => n.Input.Concat(n.Output))
            .Concat(graph.Initializer.Select(t => t.Name)).Concat(graph.Input.Select(i => i.Name)), StringComparer.Ordinal);
        string Fresh(string stem) { var n = stem; for (int i = 1; !taken.Add(n); i++) n = $"{stem}_{i}"; return n; }

        // Activation parameters: scale and zero point per value.
        var qparams = new Dictionary<string, (float Scale, int Zero)>(StringComparer.Ordinal);
        foreach (var name in plan.Calibrated)
        {
            if (!ranges.TryGetValue(name, out var r)) throw new CondenseException($"{source}: no calibrated range for value '{name}'");
            qparams[name] = Params(r.Lo, r.Hi, signedActivations);
        }
        foreach (var (output, input) in plan.SharedWith) qparams[output] = qparams[input];

        var init = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var nodes = new List<NodeProto>();
        var actType = signedActivations ? DataType.Int8 : DataType.Uint8;
        var newInit = new List<TensorProto>();

        (string Scale, string Zero) ParamTensors(string value)
        {
            var (s, z) = qparams[value];
            var scale = Fresh($"{value}_scale");
            var zero = Fresh($"{value}_zero_point");
            newInit.Add(OnnxTensorData.FromFloat32(scale, [s], []));
            newInit.Add(OnnxTensorData.Raw(zero, actType, [signedActivations ? (byte)(sbyte)z : (byte)z], []));
            return (scale, zero);
        }

        // Graph inputs that need a pair: consumers are redirected to the dequantized copy.
        var inputRename = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in graph.Input.Where(i => qparams.ContainsKey(i.Name)))
        {
            var (s, z) = ParamTensors(input.Name);
            var q = Fresh($"{input.Name}_quantized");
            var dq = Fresh($"{input.Name}_dequantized");
            nodes.Add(Node("QuantizeLinear", [input.Name, s, z], q));
            nodes.Add(Node("DequantizeLinear", [q, s, z], dq));
            inputRename[input.Name] = dq;
        }

        int count = 0;
        foreach (var node in graph.Node)
        {
            for (int i = 0; i < node.Input.Count; i++)
                if (inputRename.TryGetValue(node.Input[i], out var renamed)) node.Input[i] = renamed;
            if (plan.Nodes.Contains(node))
            {
                count++;
                QuantizeWeights(node, init, qparams, newInit, nodes, Fresh);
            }
            nodes.Add(node);
            for (int o = 0; o < node.Output.Count; o++)
            {
                var value = node.Output[o];
                if (!qparams.ContainsKey(value)) continue;
                var (s, z) = ParamTensors(value);
                var raw = Fresh($"{value}_float");
                var q = Fresh($"{value}_quantized");
                node.Output[o] = raw;
                nodes.Add(Node("QuantizeLinear", [raw, s, z], q));
                nodes.Add(Node("DequantizeLinear", [q, s, z], value));
            }
        }
        GraphRewrite.Commit(graph, nodes, newInit);
        return count;
    }

    /// <summary>Asymmetric activation grid over [lo, hi] (widened to contain 0).</summary>
    internal static (float Scale, int Zero) Params(float lo, float hi, bool signed)
    {
        lo = Math.Min(lo, 0);
        hi = Math.Max(hi, 0);
        int qmin = signed ? -128 : 0, qmax = signed ? 127 : 255;
        var scale = (hi - lo) / (qmax - qmin);
        if (!(scale > 0) || !float.IsFinite(scale)) return (1f, signed ? 0 : 0);
        var zero = (int)Math.Clamp(Math.Round(qmin - lo / scale), qmin, qmax);
        return (scale, zero);
    }

    static void QuantizeWeights(NodeProto node, Dictionary<string, TensorProto> init, Dictionary<string, (float Scale, int Zero)> qparams,
        List<TensorProto> newInit, List<NodeProto> nodes, Func<string, string> fresh)
    {
        int weightIndex = node.OpType switch { "Conv" or "Gemm" => 1, "MatMul" => 1, _ => -1 };
        if (weightIndex < 0 || node.Input.Count <= weightIndex || !init.TryGetValue(node.Input[weightIndex], out var w) || !OnnxTensorData.IsFloat(w.DataType))
            return;
        int axis = node.OpType switch
        {
            "Conv" => 0,
            "Gemm" => node.Attribute.FirstOrDefault(a => a.Name == "transB")?.I == 1 ? 0 : 1,
            _ => w.Dims.Count - 1,
        };
        if (w.Dims.Count < 2) return;
        var values = OnnxTensorData.ToFloat32(w);
        var dims = w.Dims.ToArray();
        var (codes, scales) = SymmetricPerChannel(values, dims, axis);
        var qName = fresh($"{w.Name}_quantized");
        var sName = fresh($"{w.Name}_scale");
        var zName = fresh($"{w.Name}_zero_point");
        var dqName = fresh($"{w.Name}_dequantized");
        newInit.Add(OnnxTensorData.Raw(qName, DataType.Int8, codes, dims));
        newInit.Add(OnnxTensorData.FromFloat32(sName, scales, [scales.Length]));
        newInit.Add(OnnxTensorData.Raw(zName, DataType.Int8, new byte[scales.Length], [scales.Length]));
        nodes.Add(Node("DequantizeLinear", [qName, sName, zName], dqName, axis));
        node.Input[weightIndex] = dqName;

        // Bias (Conv input 2, Gemm input C when alpha = beta = 1): int32 at input scale × weight scale.
        if (node.OpType is not ("Conv" or "Gemm") || node.Input.Count < 3 || !init.TryGetValue(node.Input[2], out var b)) return;
        if (node.OpType == "Gemm" && node.Attribute.Any(a => (a.Name is "alpha" or "beta") && a.F != 1f)) return;
        if (!qparams.TryGetValue(node.Input[0], out var xq) || b.Dims.Count != 1 || b.Dims[0] != scales.Length) return;
        var bias = OnnxTensorData.ToFloat32(b);
        var bScales = new float[bias.Length];
        var bCodes = new byte[bias.Length * 4];
        for (int c = 0; c < bias.Length; c++)
        {
            bScales[c] = xq.Scale * scales[c];
            var q = (int)Math.Clamp(Math.Round(bias[c] / (double)bScales[c]), int.MinValue, int.MaxValue);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bCodes.AsSpan(c * 4), q);
        }
        var bq = fresh($"{b.Name}_quantized");
        var bs = fresh($"{b.Name}_scale");
        var bz = fresh($"{b.Name}_zero_point");
        var bdq = fresh($"{b.Name}_dequantized");
        newInit.Add(OnnxTensorData.Raw(bq, DataType.Int32, bCodes, [bias.Length]));
        newInit.Add(OnnxTensorData.FromFloat32(bs, bScales, [bias.Length]));
        newInit.Add(OnnxTensorData.Raw(bz, DataType.Int32, new byte[bias.Length * 4], [bias.Length]));
        nodes.Add(Node("DequantizeLinear", [bq, bs, bz], bdq, 0));
        node.Input[2] = bdq;
    }

    /// <summary>
    /// int8 codes in [-<paramref name="limit"/>, <paramref name="limit"/>] with one scale per index of
    /// <paramref name="axis"/> (max |w| / limit).
    /// </summary>
    /// <remarks>
    /// The scale is <see cref="Codecs.UniformGrid.SymmetricScale"/> (bit for bit the float quotient
    /// this code always wrote). The codes keep their float quotient round(float(w/γ)) rather than
    /// <see cref="Codecs.UniformGrid.Code"/>'s double one: the two part where float rounding lands a
    /// quotient on a half (12 of ResNet18's 31.8 M and 150 of MiniLM's 45.4 M codes per channel,
    /// issue 22), and QDQ files stay byte-identical.
    /// </remarks>
    internal static (byte[] Codes, float[] Scales) SymmetricPerChannel(float[] w, long[] dims, int axis, int limit = 127)
    {
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= dims[i];
        for (int i = axis + 1; i < dims.Length; i++) inner *= dims[i];
        int channels = (int)dims[axis];
        var max = new float[channels];
        for (long i = 0; i < w.Length; i++)
        {
            int c = (int)(i / inner % channels);
            max[c] = Math.Max(max[c], Math.Abs(w[i]));
        }
        var scales = max.Select(m => Codecs.UniformGrid.SymmetricScale(m, limit)).ToArray();
        var codes = new byte[w.Length];
        for (long i = 0; i < w.Length; i++)
        {
            int c = (int)(i / inner % channels);
            codes[i] = (byte)(sbyte)Math.Clamp(Math.Round(w[i] / scales[c]), -limit, limit);
        }
        return (codes, scales);
    }

    static NodeProto Node(string op, string[] inputs, string output, int? axis = null)
    {
        var node = new NodeProto { OpType = op };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        if (axis is { } a) node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = a });
        return node;
    }

    sealed record QdqPlan(List<string> Calibrated, List<(string Output, string Input)> SharedWith, HashSet<NodeProto> Nodes);

    /// <summary>Which nodes go between integer pairs and which values get a pair.</summary>
    static QdqPlan Plan(GraphProto graph)
    {
        var init = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var floats = FloatValues(graph);
        var readers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var n in graph.Node)
            foreach (var i in n.Input.Where(i => i.Length > 0))
                (readers.TryGetValue(i, out var l) ? l : readers[i] = []).Add(n);
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var chosen = new HashSet<NodeProto>();
        foreach (var n in graph.Node.Where(n => n.Domain is "" or "ai.onnx" && Quantized.Contains(n.OpType)))
        {
            // Add only as a residual (two activations): a bias Add belongs to its MatMul in float.
            if (n.OpType == "Add" && n.Input.Any(init.Contains)) continue;
            if (n.OpType is "Conv" or "Gemm" && (n.Input.Count < 2 || !init.Contains(n.Input[1]))) continue;
            if (n.OpType == "MatMul" && !n.Input.Any(init.Contains)) continue;
            if (n.Input.Where(i => i.Length > 0 && !init.Contains(i)).Any(i => !floats.Contains(i))) continue;
            if (n.OpType == "MaxPool" && n.Output.Count > 1) continue;
            chosen.Add(n);
        }
        var values = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var shared = new List<(string, string)>();
        void Want(string v) { if (v.Length > 0 && seen.Add(v)) values.Add(v); }
        // A value read only by a Relu/Clip that itself is quantized next is quantized after it instead.
        string AfterActivation(string v)
        {
            if (graphOutputs.Contains(v)) return v;
            if (readers.TryGetValue(v, out var r) && r.Count == 1 && r[0].OpType is "Relu" && r[0].Input[0] == v) return r[0].Output[0];
            return v;
        }
        foreach (var n in graph.Node)
        {
            if (!chosen.Contains(n)) continue;
            foreach (var i in n.Input.Skip(0).Where(i => i.Length > 0 && !init.Contains(i)))
                Want(i);
            var output = AfterActivation(n.Output[0]);
            if (n.OpType == "MaxPool")
            {
                var input = n.Input[0];
                if (seen.Add(output)) shared.Add((output, input));
            }
            // A graph output stays float: requantizing it would only add rounding to the result.
            else if (!graphOutputs.Contains(output)) Want(output);
        }
        // MaxPool's input must be calibrated before its output borrows its parameters.
        var calibrated = values.ToList();
        return new QdqPlan(calibrated, shared, chosen);
    }

    /// <summary>Values known to be float: graph inputs/initializers declared FLOAT and outputs of float-preserving ops.</summary>
    static HashSet<string> FloatValues(GraphProto graph)
    {
        var floats = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in graph.Input.Concat(graph.ValueInfo).Concat(graph.Output))
            if (v.Type?.TensorType?.ElemType == (int)DataType.Float) floats.Add(v.Name);
        foreach (var t in graph.Initializer.Where(t => t.DataType == (int)DataType.Float)) floats.Add(t.Name);
        foreach (var n in graph.Node)
            if (n.OpType is "Conv" or "MatMul" or "Gemm" or "Add" or "Relu" or "MaxPool" or "AveragePool" or "GlobalAveragePool"
                    or "BatchNormalization" or "Mul" or "Sub" or "Div" or "Flatten" or "Reshape" or "Transpose"
                && n.Input.Where(i => i.Length > 0).All(floats.Contains))
                foreach (var o in n.Output) floats.Add(o);
        return floats;
    }
}
