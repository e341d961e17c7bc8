using Condense.Models.Cnn;
using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// SynFlow's scores for a CNN by autograd (Tanaka et al. 2020, Algorithm 1 as the authors'
/// code computes it): the closed form of <see cref="SynFlow"/> is for Linear chains, and a
/// convolution's ∂R/∂W is a correlation over positions that autograd already knows. The network is
/// linearised in a float64 copy (every parameter replaced by its absolute value, biases zero
/// unless asked for, BatchNorm's running mean 0 and variance 1 so it is a positive per-channel
/// scale), the input is all ones (already normalised), and R = 1ᵀ f(1) on the body's logits;
/// the score of a weight is ∂R/∂θ ⊙ θ. The model itself is never touched.
/// </summary>
/// <remarks>ReLU and max pooling are positively homogeneous, so with biases left out the scores of
/// each conv or Linear layer of a chain (LeNet-5, VGG) still sum to R — the conservation law that
/// keeps SynFlow from collapsing a layer; the tests check that.</remarks>
public sealed class ConvSynFlow : IDisposable
{
    readonly CnnModel copy;
    readonly Tensor[] absolute;

    /// <summary>Builds the linearised float64 copy of <paramref name="model"/>.</summary>
    public ConvSynFlow(CnnModel model, bool includeBiases = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        copy = CnnFactory.Build(model.Describe(), "SynFlow");
        copy.to(ScalarType.Float64);
        copy.eval();
        var source = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
        {
            foreach (var (name, p) in copy.named_parameters())
            {
                using var abs = source[name].detach().to(ScalarType.Float64).abs();
                if (name.EndsWith("bias", StringComparison.Ordinal) && !includeBiases) p.zero_();
                else p.copy_(abs);
            }
            foreach (var (name, b) in copy.named_buffers())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal)) b.zero_();
                else if (name.EndsWith("running_var", StringComparison.Ordinal)) b.fill_(1.0);
            }
        }
        absolute = copy.WeightLayers.Select(l => l.Weight.detach().clone().DetachFromDisposeScope()).ToArray();
    }

    /// <summary>Scores (float64, the weights' shapes, fresh tensors) of the network under <paramref name="masks"/> (one per <see cref="Models.CondenseModel.WeightLayers"/> entry), and R.</summary>
    public (Tensor[] Scores, double R) Scores(IReadOnlyList<Tensor> masks)
    {
        var weights = copy.WeightLayers.Select(l => l.Weight).ToArray();
        if (masks.Count != weights.Length) throw new ArgumentException($"{masks.Count} masks for {weights.Length} weight layers");
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            for (var i = 0; i < weights.Length; i++) weights[i].copy_(absolute[i] * masks[i].to(ScalarType.Float64));
        }
        var r = copy.BodyLogits(ones(1, 1, CnnModel.Side, CnnModel.Side, dtype: ScalarType.Float64)).sum();
        var grads = autograd.grad([r], weights);
        var scores = weights.Select((w, i) => (grads[i] * w.detach()).MoveToOuterDisposeScope()).ToArray();
        return (scores, r.item<double>());
    }

    /// <summary>Frees the copy.</summary>
    public void Dispose()
    {
        foreach (var t in absolute) t.Dispose();
        copy.Dispose();
    }
}
