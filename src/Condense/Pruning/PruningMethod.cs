using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// A way of choosing which weights of one tensor to prune. Subclasses override one thing
/// (<see cref="ComputeMask"/>, or just <see cref="UnstructuredPruningMethod.Importance"/>); the
/// bookkeeping — combining with an earlier mask, applying it, enforcing it during training —
/// lives once, in <see cref="Prune"/>.
/// </summary>
public abstract class PruningMethod
{
    /// <summary>Sets how much this method prunes.</summary>
    protected PruningMethod(PruningAmount amount) => Amount = amount;

    /// <summary>How much to prune: a fraction of the weights or a count.</summary>
    public PruningAmount Amount { get; }

    /// <summary>
    /// A new 0/1 mask of <paramref name="weight"/>'s shape (float32) that keeps everything
    /// <paramref name="currentMask"/> pruned pruned and prunes <see cref="Amount"/> more.
    /// Returns a fresh tensor; never disposes its inputs.
    /// </summary>
    public abstract Tensor ComputeMask(Tensor weight, Tensor currentMask);
}
