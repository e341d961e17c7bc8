using Condense.Data;
using Condense.Formats.Onnx;
using Condense.Formats.Onnx.Cnn;
using Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Models.Cnn;

/// <summary>
/// What each weight layer of a CNN sees on real data, as rows of the matrix it multiplies
/// (<see cref="WeightLayer.Matrix"/>): a convolution's input unfolded into its k×k patches
/// (in·k·k columns, in the kernel's own channel-major order), a Linear layer's input rows. So a
/// quantized conv kernel's output error is measured the way the MLP layers' is, on the inputs it
/// really gets (<c>condense quantize</c> on a CNN).
/// </summary>
/// <remarks>The values are read from the model's own ONNX graph in ONNX Runtime (each Conv's and
/// Gemm's input listed as an extra output): the CNNs call their layers' <c>forward</c> directly,
/// which TorchSharp's hooks do not see, and the graph is verified equal to TorchSharp on export.</remarks>
public static class ConvLayerInputs
{
    /// <summary>
    /// Captures, through the original weights, up to <paramref name="maxRows"/> evenly spaced rows
    /// per layer from the first <paramref name="count"/> test images (a 28×28 conv sees 784
    /// patches per image: all of them would be hundreds of MB).
    /// </summary>
    public static List<float[]> Capture(CnnModel net, Dataset test, int count, int maxRows = 20000)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(test);
        if (count < 1 || count > test.Count) throw new CondenseException($"input capture: {count} samples of {test.Count}");
        var layers = net.WeightLayers;
        var proto = CnnOnnxExporter.Build(net).Model;
        var graph = proto.Graph;
        var values = new string[layers.Count];
        for (var i = 0; i < layers.Count; i++)
        {
            var weight = layers[i].Name + ".weight";
            var node = graph.Node.FirstOrDefault(n => n.OpType is "Conv" or "Gemm" && n.Input.Count > 1 && n.Input[1] == weight)
                ?? throw new CondenseException($"layer {layers[i].Name} has no Conv or Gemm node in the graph");
            values[i] = node.Input[0];
        }
        var first = graph.Output.Count;
        foreach (var v in values.Distinct()) graph.Output.Add(new ValueInfoProto { Name = v });
        using var runner = new OnnxRuntimeRunner(Google.Protobuf.MessageExtensions.ToByteArray(proto), net.Architecture);
        var outputs = runner.Run([OnnxTensorData.FromFloat32("input", test.Images.AsSpan(0, count * test.Features).ToArray(), [count, test.Features])]);
        var byName = values.Distinct().Select((v, j) => (v, j)).ToDictionary(p => p.v, p => outputs[first + p.j]);
        using var scope = NewDisposeScope();
        return layers.Select((layer, i) =>
        {
            var t = byName[values[i]];
            var x = tensor(OnnxTensorData.ToFloat32(t), t.Dims.ToArray());
            var rows = layer.Module is Conv2d conv ? Patches(conv, x) : x.reshape(-1, x.shape[^1]);
            return Thin(rows, maxRows).contiguous().data<float>().ToArray();
        }).ToList();
    }

    /// <summary>im2col: N×C×H×W → (N·positions) × (C·k·k).</summary>
    static Tensor Patches(Conv2d conv, Tensor x)
    {
        if (conv.groups != 1) throw new CondenseException("input capture of a grouped convolution is not supported");
        var k = conv.weight!.shape[3];
        var cols = nn.functional.unfold(x, k, 1, conv.padding is { } p ? p[0] : 0, conv.stride[0]);   // N × (C·k·k) × L
        return cols.permute(0, 2, 1).reshape(-1, cols.shape[1]);
    }

    static Tensor Thin(Tensor rows, int maxRows)
    {
        var n = rows.shape[0];
        if (n <= maxRows) return rows;
        return rows.index_select(0, linspace(0, n - 1, maxRows).to(ScalarType.Int64));
    }
}
