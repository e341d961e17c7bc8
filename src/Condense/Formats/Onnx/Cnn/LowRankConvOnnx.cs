using Onnx;
using static TorchSharp.torch;

namespace Condense.Formats.Onnx.Cnn;

/// <summary>
/// Writes a low-rank conv kernel as what it is in ONNX: W ≈ L·R with W the out × (in·k·k) matrix
/// of the kernel, L (out × r) and R (r × in·k·k), is a k×k convolution with r filters (R reshaped
/// to r × in × k × k, same strides and padding, no bias) followed by a 1×1 convolution (L as
/// out × r × 1 × 1, with the original bias). The graph gets smaller by out·in·k·k − r·(out + in·k·k)
/// weights, and ONNX Runtime runs the two convolutions — so the saving is a real file and real MACs.
/// </summary>
public static class LowRankConvOnnx
{
    /// <summary>Replaces the Conv that reads <c>{layer}.weight</c> in <paramref name="proto"/> (in place) by the pair.</summary>
    /// <param name="proto">A graph from <see cref="CnnOnnxExporter.Build"/>.</param>
    /// <param name="layer">The conv unit's name (conv2).</param>
    /// <param name="left">L, out × r (float32).</param>
    /// <param name="right">R, r × (in·k·k) (float32).</param>
    /// <param name="kernelShape">The original kernel's shape, out × in × k × k.</param>
    public static void Factorise(ModelProto proto, string layer, Tensor left, Tensor right, long[] kernelShape)
    {
        ArgumentNullException.ThrowIfNull(proto);
        var graph = proto.Graph;
        var weightName = layer + ".weight";
        var node = graph.Node.FirstOrDefault(n => n.OpType == "Conv" && n.Input.Count > 1 && n.Input[1] == weightName)
            ?? throw new CondenseException($"no Conv reads '{weightName}'");
        if (node.Attribute.FirstOrDefault(a => a.Name == "group") is { I: not 1 })
            throw new CondenseException($"{layer}: a grouped convolution is not factorised");
        long r = left.shape[1], outChannels = kernelShape[0];
        if (left.shape[0] != outChannels || right.shape[0] != r || right.shape[1] != kernelShape[1] * kernelShape[2] * kernelShape[3])
            throw new CondenseException($"{layer}: factors [{string.Join(", ", left.shape)}]·[{string.Join(", ", right.shape)}] do not make a [{string.Join(", ", kernelShape)}] kernel");
        var initializer = graph.Initializer.First(t => t.Name == weightName);
        graph.Initializer.Remove(initializer);
        string vName = layer + ".low_rank.weight", uName = layer + ".low_rank.mix", middle = layer + ".low_rank";
        graph.Initializer.Add(OnnxTensorData.FromFloat32(vName, Values(right), [r, kernelShape[1], kernelShape[2], kernelShape[3]]));
        graph.Initializer.Add(OnnxTensorData.FromFloat32(uName, Values(left), [outChannels, r, 1, 1]));
        var spatial = new NodeProto { OpType = "Conv", Name = node.Name + "_low_rank", Input = { node.Input[0], vName }, Output = { middle } };
        spatial.Attribute.Add(node.Attribute);
        var mix = new NodeProto { OpType = "Conv", Name = node.Name + "_mix", Input = { middle, uName }, Output = { node.Output[0] } };
        if (node.Input.Count > 2) mix.Input.Add(node.Input[2]);
        mix.Attribute.Add(new AttributeProto { Name = "kernel_shape", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1, 1 } });
        var index = graph.Node.IndexOf(node);
        graph.Node.RemoveAt(index);
        graph.Node.Insert(index, mix);
        graph.Node.Insert(index, spatial);
    }

    static float[] Values(Tensor t)
    {
        using var c = t.detach().to(ScalarType.Float32).cpu().contiguous();
        return c.data<float>().ToArray();
    }
}
