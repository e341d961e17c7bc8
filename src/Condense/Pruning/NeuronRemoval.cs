using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// Turns structured sparsity into a smaller dense model: hidden neurons whose incoming weight
/// row is all zero are removed, with the row of their layer, their bias and the column of the
/// next layer. Masks alone never make a model smaller or faster; this does.
/// </summary>
/// <remarks>
/// A neuron with a zero row still outputs the constant ReLU(b); that constant's contribution is
/// folded into the next layer's bias (b' = b + W[:, j]·ReLU(b_j)), so the smaller model computes
/// the same outputs in eval mode (up to float rounding). During training, dropout would have
/// scaled that constant randomly; after compaction it does not.
/// </remarks>
public static class NeuronRemoval
{
    /// <summary>The compacted model and, per hidden layer, the indices of the neurons kept.</summary>
    public static (MlpModel Model, IReadOnlyList<int[]> Kept) Compact(MlpModel model)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var layers = model.Layers.Select(l => l.Layer).ToArray();
        var weights = layers.Select(l => l.weight!.detach().clone()).ToArray();
        var biases = layers.Select(l => l.bias?.detach().clone() ?? zeros(l.weight!.shape[0])).ToArray();
        var kept = new List<int[]>();
        for (var i = 0; i + 1 < layers.Length; i++)
        {
            var alive = weights[i].abs().amax([1]) > 0;
            var keep = alive.nonzero().flatten();
            if (keep.numel() == 0) keep = tensor(new long[] { 0 }); // a layer needs one neuron; it stays as it was
            var aliveMask = zeros(weights[i].shape[0], dtype: ScalarType.Bool).index_fill_(0, keep, true);
            var dead = aliveMask.logical_not().nonzero().flatten();
            if (dead.numel() > 0)
            {
                var constant = nn.functional.relu(biases[i].index_select(0, dead));
                biases[i + 1] = biases[i + 1] + weights[i + 1].index_select(1, dead).matmul(constant);
            }
            weights[i] = weights[i].index_select(0, keep);
            biases[i] = biases[i].index_select(0, keep);
            weights[i + 1] = weights[i + 1].index_select(1, keep);
            kept.Add(keep.data<long>().Select(v => (int)v).ToArray());
        }
        var sizes = new List<int> { (int)weights[0].shape[1] };
        sizes.AddRange(weights.Select(w => (int)w.shape[0]));
        var small = new MlpModel(model.Kind, sizes, model.Dropout, model.Normalization);
        for (var i = 0; i < layers.Length; i++)
        {
            small.Layers[i].Layer.weight!.copy_(weights[i]);
            small.Layers[i].Layer.bias?.copy_(biases[i]);
        }
        small.eval();
        return (small, kept);
    }
}
