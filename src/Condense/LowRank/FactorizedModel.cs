using Condense.Data;
using Condense.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.LowRank;

/// <summary>
/// A trained MLP turned into a <see cref="FactorizedMlp"/>: each chosen layer becomes the factors
/// U·V of its rank-r approximation (truncated or randomized SVD), the rest are copied. This is
/// the network <c>condense lowrank -o FILE</c> and the demo write through
/// <see cref="FactorizedModelFile"/>, so the file holds the factors and scores what the sweep measured.
/// </summary>
public static class FactorizedModel
{
    /// <summary>
    /// The factorised copy (caller owns it). <paramref name="ranks"/> has one entry per layer of
    /// <paramref name="dense"/>: a rank, or null to keep the layer dense. With
    /// <paramref name="randomized"/> the factors come from <see cref="RandomizedSvd"/> (as the
    /// sweep's <c>--randomized</c>), else from the exact <see cref="TruncatedSvd"/>.
    /// </summary>
    public static FactorizedMlp FromDense(MlpModel dense, IReadOnlyList<int?> ranks, RandomizedSvdOptions? randomized = null)
    {
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(ranks);
        if (!dense.IsClassifier) throw new CondenseException($"factorised model: only classifiers can be written as factors, not a {dense.Kind}");
        // A model without normalisation keeps none: the identity, not FactorizedMlp's MNIST default.
        var model = new FactorizedMlp(dense.Sizes, ranks, dense.Dropout, dense.Normalization ?? new Normalization(0, 1));
        try
        {
            using var _ = no_grad();
            foreach (var (name, layer) in dense.Layers)
            {
                var target = model.Layer(name);
                if (target is LowRankLinear pair)
                {
                    var rank = pair.Right.weight!.shape[0];
                    using var approximation = randomized is null
                        ? TruncatedSvd.Compute(layer.weight!.detach(), (int)rank)
                        : RandomizedSvd.Compute(layer.weight!.detach(), (int)rank, randomized);
                    pair.Right.weight!.copy_(approximation.Right);
                    pair.Left.weight!.copy_(approximation.Left);
                    pair.Left.bias!.copy_(layer.bias!);
                }
                else if (target is Linear full)
                {
                    full.weight!.copy_(layer.weight!);
                    full.bias!.copy_(layer.bias!);
                }
            }
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The ranks list for <see cref="FromDense"/> that factorises only <paramref name="layer"/> at <paramref name="rank"/>.</summary>
    public static int?[] OneLayer(MlpModel dense, string layer, int rank)
    {
        ArgumentNullException.ThrowIfNull(dense);
        var names = dense.Layers.Select(l => l.Name).ToList();
        var index = names.IndexOf(layer);
        if (index < 0) throw new CondenseException($"no layer '{layer}' (layers: {string.Join(", ", names)})");
        return names.Select((_, i) => i == index ? (int?)rank : null).ToArray();
    }
}
