using Condense.Data;
using Condense.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// The functional entry points, in the spirit of PyTorch's <c>torch.nn.utils.prune</c>:
/// <c>Prune.L1Unstructured(model.Masks, layer, PruningAmount.OfFraction(0.9))</c>,
/// <c>Prune.Global(model.Masks, layers, new L1Unstructured(amount))</c>,
/// <c>Prune.LnStructured(model.Masks, layer, amount, 2, 0)</c>, <c>model.Masks.Remove(layer)</c>.
/// </summary>
/// <remarks>
/// <para>Masks live in the <see cref="MaskSet"/> the model owns (<see cref="CondenseModel.Masks"/>),
/// never in a process-wide table, so two models pruned in one process keep their own. Pruning
/// writes zeros into the weight at once, so every forward pass sees the masked weight; training
/// with <see cref="Hooks"/> (or <see cref="FineTune"/>) keeps pruned weights exactly zero. Pruning
/// a pruned layer again combines the masks; a fraction then applies to the weights still alive, as
/// in PyTorch.</para>
/// <para>Pruning cannot be undone: the pruned values are overwritten with zeros.
/// <see cref="MaskSet.Remove"/> forgets the mask (the zeros stay, training may regrow them).</para>
/// </remarks>
public static class Prune
{
    /// <summary>Magnitude pruning of one layer: the smallest |w| go.</summary>
    public static Tensor L1Unstructured(MaskSet masks, nn.Module layer, PruningAmount amount) => Apply(masks, layer, new L1Unstructured(amount));

    /// <summary>
    /// The magnitude mask of a bare weight tensor (no layer, nothing stored): float 0/1 of the
    /// weight's shape zeroing exactly the ⌊<paramref name="sparsity"/>·n⌋ smallest |w|.
    /// </summary>
    public static Tensor MagnitudeMask(Tensor weight, double sparsity)
    {
        if (!(sparsity >= 0 && sparsity < 1)) throw new CondenseException($"sparsity {sparsity} must be in [0, 1)");
        using var scope = NewDisposeScope();
        var all = ones(weight.shape, ScalarType.Float32);
        var count = (long)Math.Floor(sparsity * weight.numel());
        return new L1Unstructured(PruningAmount.OfCount(count)).ComputeMask(weight, all).to(weight.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Random pruning of one layer (the baseline).</summary>
    public static Tensor RandomUnstructured(MaskSet masks, nn.Module layer, PruningAmount amount, int seed = 0) => Apply(masks, layer, new RandomUnstructured(amount, seed));

    /// <summary>Prunes whole rows (<paramref name="dim"/> 0, output neurons) or columns (1) with the lowest L<sub>n</sub> norm.</summary>
    public static Tensor LnStructured(MaskSet masks, nn.Module layer, PruningAmount amount, double n = 2, int dim = 0) => Apply(masks, layer, new LnStructured(amount, n, dim));

    /// <summary>Prunes one layer with any method, its mask kept in <paramref name="masks"/>; returns (a copy of) the layer's new mask.</summary>
    public static Tensor Apply(MaskSet masks, nn.Module layer, PruningMethod method)
    {
        var weight = MaskSet.WeightOf(layer);
        using var scope = NewDisposeScope();
        using var current = masks.CurrentOf(layer);
        var mask = method.ComputeMask(weight, current);
        masks.Set(layer, mask);
        return mask.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Global pruning: the importances of all <paramref name="layers"/> compete, so
    /// <see cref="PruningMethod.Amount"/> is a share of all their (alive) weights and layers
    /// end up with different densities. Global magnitude keeps the largest |w| across layers.
    /// </summary>
    public static IReadOnlyList<Tensor> Global(MaskSet masks, IReadOnlyList<nn.Module> layers, UnstructuredPruningMethod method)
    {
        using var scope = NewDisposeScope();
        var importances = layers.Select(l => method.Importance(MaskSet.WeightOf(l))).ToArray();
        return GlobalByScores(masks, layers, importances, method.Amount).Select(m => m.MoveToOuterDisposeScope()).ToArray();
    }

    /// <summary>
    /// Global pruning by precomputed importances (SNIP, GraSP, SynFlow): the lowest
    /// <paramref name="amount"/> of the alive weights across all layers go.
    /// </summary>
    public static IReadOnlyList<Tensor> GlobalByScores(MaskSet masks, IReadOnlyList<nn.Module> layers, IReadOnlyList<Tensor> importances, PruningAmount amount)
    {
        if (layers.Count != importances.Count) throw new ArgumentException("one importance tensor per layer");
        for (var i = 0; i < layers.Count; i++)
        {
            if (!importances[i].shape.SequenceEqual(MaskSet.WeightOf(layers[i]).shape))
                throw new CondenseException($"importance of layer {i} has shape [{string.Join(", ", importances[i].shape)}], its weight [{string.Join(", ", MaskSet.WeightOf(layers[i]).shape)}]");
        }
        using var scope = NewDisposeScope();
        var current = layers.Select(masks.CurrentOf).ToArray();
        var selected = MaskSelection.PruneLowest(importances, current, amount);
        for (var i = 0; i < layers.Count; i++) masks.Set(layers[i], selected[i]);
        return selected.Select(m => m.MoveToOuterDisposeScope()).ToArray();
    }

    /// <summary>
    /// Training hooks that keep the model's pruned weights at zero: gradients are masked after
    /// backward and weights re-masked after each step (Adam's moment estimates could otherwise move
    /// them), through the model's own <see cref="CondenseModel.Masks"/>. Other hooks in
    /// <paramref name="inner"/> are kept.
    /// </summary>
    public static TrainingHooks Hooks(TrainingHooks? inner = null) => new()
    {
        Loss = inner?.Loss,
        OnEpoch = inner?.OnEpoch,
        OnBatch = inner?.OnBatch,
        AfterBackward = model =>
        {
            model.Masks.MaskGradients();
            inner?.AfterBackward?.Invoke(model);
        },
        AfterStep = model =>
        {
            model.Masks.Enforce();
            inner?.AfterStep?.Invoke(model);
        },
    };

    /// <summary>Fine-tunes a pruned model (Adam, <paramref name="options"/>) with its masks enforced.</summary>
    public static TrainingResult FineTune(CondenseModel model, Dataset train, Dataset? test, TrainingOptions options, TrainingHooks? hooks = null) =>
        Trainer.Train(model, train, test, options, Hooks(hooks));

    /// <summary>Per-layer density of a model's weights, convolutions included (nonzero count; works on masked and loaded models alike).</summary>
    public static IReadOnlyList<LayerDensity> Densities(CondenseModel model) =>
        model.WeightLayers.Select(l =>
        {
            var w = l.Weight;
            using var nonzero = w.count_nonzero();
            return new LayerDensity(l.Name, w.numel(), nonzero.item<long>());
        }).ToArray();

    /// <summary>Fraction of zero weights over all the layers (biases excluded).</summary>
    public static double Sparsity(CondenseModel model)
    {
        var d = Densities(model);
        var total = d.Sum(x => x.Total);
        return total == 0 ? 0 : 1 - (double)d.Sum(x => x.Nonzero) / total;
    }

    /// <summary>Finds a layer by name; unknown names are an error that lists the known ones.</summary>
    public static Linear Layer(CondenseModel model, string name) =>
        model.Layers.FirstOrDefault(l => l.Name == name).Layer
        ?? throw new CondenseException($"unknown layer '{name}' (layers: {string.Join(", ", model.Layers.Select(l => l.Name))})");

    /// <summary>Finds a weight layer (convolution or Linear) by name; unknown names are an error that lists the known ones.</summary>
    public static WeightLayer WeightLayer(CondenseModel model, string name) =>
        model.WeightLayers.FirstOrDefault(l => l.Name == name)
        ?? throw new CondenseException($"unknown layer '{name}' (layers: {string.Join(", ", model.WeightLayers.Select(l => l.Name))})");
}
