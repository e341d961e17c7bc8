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
    public static Tensor Forward(Tensor input, Normalization? normalization, IReadOnlyList<nn.Module<Tensor, Tensor>> layers, double dropout, bool training) =>
        Forward(input, normalization, layers, dropout, training, out _, keepFeatures: false);

    /// <summary>
    /// The same pass, also handing back the last hidden layer's activation (after its ReLU, before
    /// dropout): the "features" data-free distillation asks the teacher to make large (DAFL).
    /// <paramref name="features"/> is null for a single-layer stack or when not asked for.
    /// </summary>
    public static Tensor Forward(Tensor input, Normalization? normalization, IReadOnlyList<nn.Module<Tensor, Tensor>> layers, double dropout, bool training,
        out Tensor? features, bool keepFeatures = true)
    {
        features = null;
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
                if (keepFeatures && i + 2 == layers.Count) features = x.alias();
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
