using static TorchSharp.torch;

namespace Condense.DeepCompression;

/// <summary>
/// The pruning step Deep Compression needs (Han et al. 2015, "Learning both Weights and
/// Connections"): keep the weights of largest magnitude, zero the rest, and keep them zero while
/// the survivors are retrained. A stop-gap: the <c>pruning</c> branch (Condense.Pruning, masks
/// and CSR) had not landed when this pipeline was written; this is the smallest piece the
/// pipeline needs and should give way to Condense.Pruning's magnitude pruner when it merges.
/// </summary>
public static class MagnitudeMask
{
    /// <summary>A 0/1 mask (float, same shape as <paramref name="weight"/>) zeroing the
    /// ⌊sparsity·n⌋ smallest-magnitude entries; ties at the threshold are pruned too.</summary>
    public static Tensor Compute(Tensor weight, double sparsity)
    {
        if (!(sparsity >= 0 && sparsity < 1)) throw new CondenseException($"sparsity {sparsity} must be in [0, 1)");
        using var scope = NewDisposeScope();
        var magnitude = weight.detach().abs();
        var n = magnitude.numel();
        var prune = (long)Math.Floor(sparsity * n);
        if (prune == 0) return ones_like(weight).MoveToOuterDisposeScope();
        var threshold = magnitude.flatten().kthvalue(prune, 0).values;
        return magnitude.gt(threshold).to_type(weight.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Hooks that keep masked weights at zero during training: their gradients are
    /// zeroed before the step and the weights re-masked after it (Adam's momentum would
    /// otherwise move them).</summary>
    public static Models.TrainingHooks Hooks(IReadOnlyList<(Tensor Weight, Tensor Mask)> masks) => new()
    {
        AfterBackward = _ =>
        {
            foreach (var (w, m) in masks) w.grad?.mul_(m);
        },
        AfterStep = _ =>
        {
            using var __ = no_grad();
            foreach (var (w, m) in masks) w.mul_(m);
        },
    };
}
