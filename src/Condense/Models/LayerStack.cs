using Condense.Data;
using static TorchSharp.torch;

namespace Condense.Models;

/// <summary>
/// The forward pass every MLP variant shares (dense, hashed, factorised, structured): normalise the
/// pixels, then each layer with ReLU — and dropout while training — between consecutive layers.
/// One copy, so the variants cannot drift apart in what "the same network, other layers" computes.
/// Intermediates are disposed as soon as the next one exists; autograd keeps what it needs.
/// </summary>
internal static class LayerStack
{
    /// <summary>The last layer's output (the logits; the caller applies its head).</summary>
    public static Tensor Forward(Tensor input, Normalization? normalization, IReadOnlyList<nn.Module<Tensor, Tensor>> layers, double dropout, bool training)
    {
        var x = normalization is { } n ? (input - n.Mean) / n.Std : input.alias();
        for (var i = 0; i < layers.Count; i++)
        {
            var next = layers[i].forward(x);
            x.Dispose();
            x = next;
            if (i + 1 < layers.Count)
            {
                next = nn.functional.relu(x);
                x.Dispose();
                x = next;
                if (dropout > 0 && training)
                {
                    next = nn.functional.dropout(x, dropout, training: true);
                    x.Dispose();
                    x = next;
                }
            }
        }
        return x;
    }
}
