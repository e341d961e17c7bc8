using static TorchSharp.torch;

namespace Condense.Models;

/// <summary>
/// The pruning masks of one model: a float 0/1 mask per pruned weight layer, owned by the model
/// (<see cref="CondenseModel.Masks"/>) as PyTorch's <c>torch.nn.utils.prune</c> keeps
/// <c>weight_mask</c> on the module. Why an object owned by the model rather than a process-wide
/// table: two models pruned in the same process (the Studio, a study, a lottery's random control)
/// can never see each other's masks, and the masks go when the model is disposed.
/// </summary>
/// <remarks>
/// <para>A mask is kept beside the weight, not as a parameter or buffer, so saved files and the
/// optimiser see the plain weight. <see cref="Set"/> writes +0 into the pruned entries at once, so
/// every forward pass sees the masked weight without a re-parametrisation; training with
/// <c>Prune.Hooks</c> calls <see cref="MaskGradients"/> after backward and <see cref="Enforce"/>
/// after each optimiser step, so pruned weights stay exactly zero.</para>
/// <para>No model file stores masks: a loaded pruned model carries its zeros but an empty mask set
/// (rebuild one from the zeros with <c>weight.ne(0)</c> when fine-tuning must keep them).</para>
/// <para>Not thread-safe: like the model's parameters, it belongs to one training loop at a time.</para>
/// </remarks>
public sealed class MaskSet : IDisposable
{
    readonly Dictionary<nn.Module, Tensor> masks = new(ReferenceEqualityComparer.Instance);
    readonly CondenseModel? owner;

    /// <summary>A free-standing set for layers that belong to no <see cref="CondenseModel"/> (a bare Linear or Conv2d).</summary>
    public MaskSet() { }

    /// <summary>The set a model owns: it accepts only that model's weight layers.</summary>
    internal MaskSet(CondenseModel owner) => this.owner = owner;

    /// <summary>Number of layers that carry a mask.</summary>
    public int Count => masks.Count;

    /// <summary>Whether <paramref name="layer"/> carries a mask.</summary>
    public bool Contains(nn.Module layer) => masks.ContainsKey(layer);

    /// <summary>A copy of the layer's mask (the caller disposes it), or null when it has none.</summary>
    public Tensor? Get(nn.Module layer) => masks.TryGetValue(layer, out var m) ? m.clone() : null;

    /// <summary>
    /// The layer's mask, or all ones of its weight's shape when it has none (a copy either way):
    /// what a further pruning step starts from, so a fraction applies to the weights still alive.
    /// </summary>
    public Tensor CurrentOf(nn.Module layer) =>
        masks.TryGetValue(layer, out var m) ? m.clone() : ones_like(WeightOf(layer), dtype: ScalarType.Float32);

    /// <summary>Sets a layer's mask (0/1, the weight's shape; copied) and zeroes the pruned weights.</summary>
    public void Set(nn.Module layer, Tensor mask)
    {
        CheckOwned(layer);
        var weight = WeightOf(layer);
        if (!mask.shape.SequenceEqual(weight.shape))
            throw new CondenseException($"mask shape [{string.Join(", ", mask.shape)}] does not match weight [{string.Join(", ", weight.shape)}]");
        var stored = mask.detach().to(ScalarType.Float32).clone().DetachFromDisposeScope();
        using (no_grad()) ZeroPruned(weight, stored);
        if (masks.TryGetValue(layer, out var old)) old.Dispose();
        masks[layer] = stored;
    }

    /// <summary>
    /// Makes a layer's pruning permanent: the mask is forgotten, the zeroed weights stay zero but
    /// are no longer kept at zero by training. Like PyTorch's <c>prune.remove</c>; cannot be undone.
    /// </summary>
    public void Remove(nn.Module layer)
    {
        if (!masks.Remove(layer, out var m)) throw new CondenseException("layer is not pruned: nothing to remove");
        m.Dispose();
    }

    /// <summary>Forgets every mask (<see cref="Remove"/> for each pruned layer).</summary>
    public void Clear()
    {
        foreach (var m in masks.Values) m.Dispose();
        masks.Clear();
    }

    /// <summary>Multiplies each pruned layer's gradient by its mask (after backward, before the optimiser step).</summary>
    public void MaskGradients()
    {
        foreach (var (layer, mask) in masks)
            if (WeightOf(layer).grad is { } grad) grad.mul_(mask);
    }

    /// <summary>Writes +0 into every pruned weight (after each optimiser step: Adam's moments could otherwise move them).</summary>
    public void Enforce()
    {
        using var _ = no_grad();
        foreach (var (layer, mask) in masks) ZeroPruned(WeightOf(layer), mask);
    }

    /// <summary>Copies every mask of <paramref name="from"/> onto the layer at the same position of <paramref name="to"/>'s <see cref="CondenseModel.WeightLayers"/> (same architecture: a rewound, re-initialised or re-built copy).</summary>
    public static void CopyLayerwise(CondenseModel from, CondenseModel to)
    {
        var source = from.WeightLayers;
        var target = to.WeightLayers;
        if (source.Count != target.Count) throw new CondenseException($"cannot copy masks from {source.Count} weight layers to {target.Count}");
        for (var i = 0; i < source.Count; i++)
        {
            using var mask = from.Masks.Get(source[i].Module);
            if (mask is not null) to.Masks.Set(target[i].Module, mask);
        }
    }

    /// <summary>Disposes the stored masks.</summary>
    public void Dispose() => Clear();

    void CheckOwned(nn.Module layer)
    {
        if (owner is not null && !owner.WeightLayers.Any(l => ReferenceEquals(l.Module, layer)))
            throw new CondenseException($"a {layer.GetType().Name} that is not a weight layer of this model cannot be masked by its mask set");
    }

    /// <summary>Sets pruned entries to +0 (multiplying by the mask would leave −0 for negative weights, which a file would not round-trip).</summary>
    static void ZeroPruned(Tensor weight, Tensor mask)
    {
        using var pruned = mask.eq(0);
        weight.masked_fill_(pruned, 0f);
    }

    internal static Tensor WeightOf(nn.Module layer) => new WeightLayer(layer.GetType().Name, layer).Weight;
}
