using Condense.Formats.Onnx;
using Condense.Graph;

namespace Condense.Tests.Graph;

public sealed class DynamicQuantizerTests
{
    [Fact]
    public void MatMul_and_its_bias_become_one_DynamicQuantizeMatMul_close_to_float()
    {
        const int k = 128, n = 48;
        var (model, w, b) = TinyModels.MatMulAdd(k, n, seed: 4);
        Assert.Equal(1, DynamicQuantizer.Quantize(model));
        var node = Assert.Single(model.Graph.Node);
        Assert.Equal("DynamicQuantizeMatMul", node.OpType);
        Assert.Equal("B", node.Input[4]);
        Assert.Equal("Y", node.Output[0]);
        var x = TinyModels.Random(4 * k, 9);
        var y = TinyModels.Run(model, OnnxTensorData.FromFloat32("X", x, [4, k]));
        var exact = TinyModels.MatMul(x, w, 4, k, n).Select((v, i) => v + b[i % n]).ToArray();
        var scale = exact.Max(Math.Abs);
        // uint8 activations and int8 weights: a few steps of 1/255 of the range at most.
        Assert.All(exact.Zip(y), p => Assert.True(Math.Abs(p.First - p.Second) <= 0.03 * scale, $"{p.First} vs {p.Second}"));
    }
}
