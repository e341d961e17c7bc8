using Condense.Data;
using static TorchSharp.torch;

namespace Condense.Models;

/// <summary>
/// What each linear layer of an MLP sees on real data, so a compressed layer's output error can be
/// measured on the inputs it will actually get (<c>condense quantize</c>, the demo).
/// </summary>
public static class LayerInputs
{
    /// <summary>
    /// The inputs each linear layer sees on real test data, through the original weights: the
    /// normalised images for the first layer, the ReLU activations of the previous one after.
    /// </summary>
    public static List<float[]> Capture(MlpModel net, Dataset test, int count)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = tensor(test.Images.AsSpan(0, count * test.Features).ToArray(), [count, test.Features]);
        if (net.Normalization is { } n) x = (x - n.Mean) / n.Std;
        var list = new List<float[]>();
        for (int i = 0; i < net.Layers.Count; i++)
        {
            list.Add(x.contiguous().data<float>().ToArray());
            var layer = net.Layers[i].Layer;
            x = nn.functional.linear(x, layer.weight!, layer.bias);
            if (i < net.Layers.Count - 1) x = nn.functional.relu(x);
        }
        return list;
    }
}
