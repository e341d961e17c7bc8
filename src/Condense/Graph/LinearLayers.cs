using Condense.Formats.Onnx;
using Condense.Quantization.Gptq;
using Onnx;

namespace Condense.Graph;

/// <summary>
/// Finds the layers of a graph that data-aware quantization can handle: MatMul with a 2-D float
/// initializer as its second input, Gemm (transA = 0) with an initializer B, 2-D Conv with an
/// initializer weight, each weight used by that node only. Every other node holding a float
/// initializer of at least the minimum size is listed with the reason it is left alone.
/// </summary>
public static class LinearLayers
{
    /// <summary>The layers found, and one line per node holding a weight that cannot be handled.</summary>
    public static (IReadOnlyList<LinearLayer> Layers, IReadOnlyList<string> Untouched) Find(OnnxModel model, long minSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Proto.Graph;
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var uses = graph.Node.SelectMany(n => n.Input).GroupBy(n => n, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var layers = new List<LinearLayer>();
        var untouched = new List<string>();
        for (int index = 0; index < graph.Node.Count; index++)
        {
            var node = graph.Node[index];
            var name = node.Name.Length > 0 ? node.Name : $"{node.OpType} #{index}";
            var weights = node.Input.Where(i => initializers.TryGetValue(i, out var t) && (TensorProto.Types.DataType)t.DataType == TensorProto.Types.DataType.Float
                && OnnxTensorData.ElementCount(t.Dims) >= Math.Max(minSize, 1)).ToList();
            if (weights.Count == 0) continue;
            var (layer, why) = node.OpType switch
            {
                "MatMul" => MatMul(node, name, initializers),
                "Gemm" => Gemm(node, name, initializers),
                "Conv" => Conv(node, name, initializers),
                _ => (null, $"{node.OpType} is not MatMul, Gemm or Conv"),
            };
            if (layer is not null && uses[layer.Weight] > 1)
            {
                why = $"its weight '{layer.Weight}' is shared with other nodes";
                layer = null;
            }
            if (layer is not null) layers.Add(layer);
            else untouched.Add($"{name} ({node.OpType}): {why}; its weights are encoded without data");
        }
        return (layers, untouched);
    }

    static (LinearLayer?, string) MatMul(NodeProto node, string name, Dictionary<string, TensorProto> init)
    {
        if (node.Input.Count != 2 || !init.TryGetValue(node.Input[1], out var w)) return (null, "the weight is not its second input");
        if (init.ContainsKey(node.Input[0])) return (null, "both inputs are constant");
        if (w.Dims.Count != 2) return (null, $"the weight has {w.Dims.Count} dimensions, not 2");
        return (new LinearLayer(name, LinearLayerKind.MatMul, w.Name, node.Input[0], [.. w.Dims], (int)w.Dims[1], (int)w.Dims[0], 1, true), "");
    }

    static (LinearLayer?, string) Gemm(NodeProto node, string name, Dictionary<string, TensorProto> init)
    {
        if (node.Input.Count < 2 || !init.TryGetValue(node.Input[1], out var w) || w.Dims.Count != 2) return (null, "B is not a 2-D initializer");
        if (init.ContainsKey(node.Input[0])) return (null, "A is constant");
        if (Int(node, "transA", 0) != 0) return (null, "transA = 1");
        var transB = Int(node, "transB", 0) != 0;
        return transB
            ? (new LinearLayer(name, LinearLayerKind.Gemm, w.Name, node.Input[0], [.. w.Dims], (int)w.Dims[0], (int)w.Dims[1], 1, false), "")
            : (new LinearLayer(name, LinearLayerKind.Gemm, w.Name, node.Input[0], [.. w.Dims], (int)w.Dims[1], (int)w.Dims[0], 1, true), "");
    }

    static (LinearLayer?, string) Conv(NodeProto node, string name, Dictionary<string, TensorProto> init)
    {
        if (node.Input.Count < 2 || !init.TryGetValue(node.Input[1], out var w)) return (null, "the weight is not an initializer");
        if (w.Dims.Count != 4) return (null, $"a {w.Dims.Count - 2}-D convolution (only 2-D is handled)");
        var group = (int)Int(node, "group", 1);
        if (group <= 0 || w.Dims[0] % group != 0) return (null, $"group {group} does not divide {w.Dims[0]} output channels");
        int kh = (int)w.Dims[2], kw = (int)w.Dims[3];
        var strides = Ints(node, "strides", [1, 1]);
        var pads = Ints(node, "pads", [0, 0, 0, 0]);
        var dilations = Ints(node, "dilations", [1, 1]);
        var autoPad = node.Attribute.FirstOrDefault(a => a.Name == "auto_pad")?.S.ToStringUtf8() ?? "NOTSET";
        if (strides.Length != 2 || pads.Length != 4 || dilations.Length != 2) return (null, "strides, pads or dilations are not 2-D");
        var attributes = new ConvAttributes(kh, kw, strides, pads, dilations, autoPad.Length == 0 ? "NOTSET" : autoPad);
        return (new LinearLayer(name, LinearLayerKind.Conv, w.Name, node.Input[0], [.. w.Dims], (int)w.Dims[0] / group,
            (int)(w.Dims[1] * kh * kw), group, false, attributes), "");
    }

    /// <summary>The conv geometry for an input of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>.</summary>
    public static ConvGeometry Geometry(LinearLayer layer, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var c = layer.Conv ?? throw new CondenseException($"{layer.Node}: not a convolution");
        int[] pads = c.Pads;
        if (c.AutoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            int Total(int size, int stride, int kernel, int dilation) =>
                Math.Max(0, ((size + stride - 1) / stride - 1) * stride + (kernel - 1) * dilation + 1 - size);
            int th = Total(height, c.Strides[0], c.KernelHeight, c.Dilations[0]), tw = Total(width, c.Strides[1], c.KernelWidth, c.Dilations[1]);
            pads = c.AutoPad == "SAME_UPPER" ? [th / 2, tw / 2, th - th / 2, tw - tw / 2] : [th - th / 2, tw - tw / 2, th / 2, tw / 2];
        }
        else if (c.AutoPad == "VALID") pads = [0, 0, 0, 0];
        var g = new ConvGeometry(channels, height, width, c.KernelHeight, c.KernelWidth, c.Strides[0], c.Strides[1],
            pads[0], pads[1], pads[2], pads[3], c.Dilations[0], c.Dilations[1], layer.Groups);
        if (g.PatchSize != layer.Columns) throw new CondenseException($"{layer.Node}: an input of {channels} channels does not fit the weight [{string.Join(", ", layer.Shape)}]");
        return g;
    }

    static long Int(NodeProto node, string name, long fallback) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? fallback;

    static int[] Ints(NodeProto node, string name, int[] fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a && a.Ints.Count > 0 ? a.Ints.Select(v => (int)v).ToArray() : fallback;
}
