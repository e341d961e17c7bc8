using System.Runtime.CompilerServices;
using Condense.Data;
using Condense.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// The functional entry points, in the spirit of PyTorch's <c>torch.nn.utils.prune</c>:
/// <c>Prune.L1Unstructured(layer, PruningAmount.OfFraction(0.9))</c>,
/// <c>Prune.Global(layers, new L1Unstructured(amount))</c>, <c>Prune.LnStructured(layer, amount, 2, 0)</c>,
/// <c>Prune.Remove(layer)</c>.
/// </summary>
/// <remarks>
/// <para>A layer's mask is kept beside the layer (not in its parameters, so saved files and the
/// optimiser see the plain weight). Pruning multiplies the weight by the mask in place, so every
/// forward pass sees the masked weight without a re-parametrisation; training with
/// <see cref="Hooks"/> (or <see cref="FineTune"/>) multiplies gradients and weights by the mask
/// after each step, so pruned weights stay exactly zero. Pruning a pruned layer again combines
/// the masks; a fraction then applies to the weights still alive, as in PyTorch.</para>
/// <para>Pruning cannot be undone: the pruned values are overwritten with zeros.
/// <see cref="Remove"/> forgets the mask (the zeros stay, training may regrow them).</para>
/// </remarks>
public static class Prune
{
    static readonly ConditionalWeakTable<nn.Module, Tensor> Masks = new();

    /// <summary>Magnitude pruning of one layer: the smallest |w| go.</summary>
    public static Tensor L1Unstructured(nn.Module layer, PruningAmount amount) => Apply(layer, new L1Unstructured(amount));

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
    public static Tensor RandomUnstructured(nn.Module layer, PruningAmount amount, int seed = 0) => Apply(layer, new RandomUnstructured(amount, seed));

    /// <summary>Prunes whole rows (<paramref name="dim"/> 0, output neurons) or columns (1) with the lowest L<sub>n</sub> norm.</summary>
    public static Tensor LnStructured(nn.Module layer, PruningAmount amount, double n = 2, int dim = 0) => Apply(layer, new LnStructured(amount, n, dim));

    /// <summary>Prunes one layer with any method; returns (a copy of) the layer's new mask.</summary>
    public static Tensor Apply(nn.Module layer, PruningMethod method)
    {
        var weight = WeightOf(layer);
        using var scope = NewDisposeScope();
        using var current = CurrentMask(layer);
        var mask = method.ComputeMask(weight, current);
        SetMask(layer, mask);
        return mask.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Global pruning: the importances of all <paramref name="layers"/> compete, so
    /// <see cref="PruningMethod.Amount"/> is a share of all their (alive) weights and layers
    /// end up with different densities. Global magnitude keeps the largest |w| across layers.
    /// </summary>
    public static IReadOnlyList<Tensor> Global(IReadOnlyList<nn.Module> layers, UnstructuredPruningMethod method)
    {
        using var scope = NewDisposeScope();
        var importances = layers.Select(l => method.Importance(WeightOf(l))).ToArray();
        return GlobalByScores(layers, importances, method.Amount).Select(m => m.MoveToOuterDisposeScope()).ToArray();
    }

    /// <summary>
    /// Global pruning by precomputed importances (SNIP, GraSP, SynFlow): the lowest
    /// <paramref name="amount"/> of the alive weights across all layers go.
    /// </summary>
    public static IReadOnlyList<Tensor> GlobalByScores(IReadOnlyList<nn.Module> layers, IReadOnlyList<Tensor> importances, PruningAmount amount)
    {
        if (layers.Count != importances.Count) throw new ArgumentException("one importance tensor per layer");
        for (var i = 0; i < layers.Count; i++)
        {
            if (!importances[i].shape.SequenceEqual(WeightOf(layers[i]).shape))
                throw new CondenseException($"importance of layer {i} has shape [{string.Join(", ", importances[i].shape)}], its weight [{string.Join(", ", WeightOf(layers[i]).shape)}]");
        }
        using var scope = NewDisposeScope();
        var current = layers.Select(CurrentMask).ToArray();
        var masks = MaskSelection.PruneLowest(importances, current, amount);
        for (var i = 0; i < layers.Count; i++) SetMask(layers[i], masks[i]);
        return masks.Select(m => m.MoveToOuterDisposeScope()).ToArray();
    }

    /// <summary>Sets a layer's mask (0/1, the weight's shape) and zeroes the pruned weights.</summary>
    public static void SetMask(nn.Module layer, Tensor mask)
    {
        var weight = WeightOf(layer);
        if (!mask.shape.SequenceEqual(weight.shape))
            throw new CondenseException($"mask shape [{string.Join(", ", mask.shape)}] does not match weight [{string.Join(", ", weight.shape)}]");
        var stored = mask.detach().to(ScalarType.Float32).clone().DetachFromDisposeScope();
        using (no_grad()) ZeroPruned(weight, stored);
        if (Masks.TryGetValue(layer, out var old)) old.Dispose();
        Masks.AddOrUpdate(layer, stored);
    }

    /// <summary>Whether a layer carries a mask.</summary>
    public static bool IsPruned(nn.Module layer) => Masks.TryGetValue(layer, out _);

    /// <summary>A copy of the layer's mask, or null when it has none.</summary>
    public static Tensor? MaskOf(nn.Module layer) => Masks.TryGetValue(layer, out var m) ? m.clone() : null;

    /// <summary>
    /// Makes pruning permanent: the mask is forgotten, the zeroed weights stay zero but are no
    /// longer kept at zero by training. Like PyTorch's <c>prune.remove</c>, this cannot be undone.
    /// </summary>
    public static void Remove(nn.Module layer)
    {
        if (!Masks.TryGetValue(layer, out var m)) throw new CondenseException("layer is not pruned: nothing to remove");
        Masks.Remove(layer);
        m.Dispose();
    }

    /// <summary>Forgets the masks of every layer of a model that has one.</summary>
    public static void RemoveAll(CondenseModel model)
    {
        foreach (var layer in model.WeightLayers)
            if (IsPruned(layer.Module)) Remove(layer.Module);
    }

    /// <summary>
    /// Training hooks that keep pruned weights at zero: gradients are masked after backward and
    /// weights re-masked after each step (Adam's moment estimates could otherwise move them).
    /// Other hooks in <paramref name="inner"/> are kept.
    /// </summary>
    public static TrainingHooks Hooks(TrainingHooks? inner = null) => new()
    {
        Loss = inner?.Loss,
        OnEpoch = inner?.OnEpoch,
        OnBatch = inner?.OnBatch,
        AfterBackward = model =>
        {
            foreach (var layer in model.WeightLayers)
            {
                if (Masks.TryGetValue(layer.Module, out var mask) && layer.Weight.grad is { } grad)
                    grad.mul_(mask);
            }
            inner?.AfterBackward?.Invoke(model);
        },
        AfterStep = model =>
        {
            using (no_grad())
            {
                foreach (var layer in model.WeightLayers)
                    if (Masks.TryGetValue(layer.Module, out var mask)) ZeroPruned(layer.Weight, mask);
            }
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

    /// <summary>Sets pruned entries to +0 (multiplying by the mask would leave −0 for negative weights, which a file would not round-trip).</summary>
    static void ZeroPruned(Tensor weight, Tensor mask)
    {
        using var pruned = mask.eq(0);
        weight.masked_fill_(pruned, 0f);
    }

    static Tensor CurrentMask(nn.Module layer) =>
        Masks.TryGetValue(layer, out var m) ? m.clone() : ones_like(WeightOf(layer), dtype: ScalarType.Float32);

    internal static Tensor WeightOf(nn.Module layer) => new WeightLayer(layer.GetType().Name, layer).Weight;
}
