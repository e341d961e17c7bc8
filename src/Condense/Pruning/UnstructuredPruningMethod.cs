using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// A method that scores each weight on its own and prunes the lowest scores. Such methods also
/// work globally (<see cref="Prune.Global"/>): the scores of several layers compete.
/// </summary>
public abstract class UnstructuredPruningMethod(PruningAmount amount) : PruningMethod(amount)
{
    /// <summary>Importance of each weight (same shape); the lowest unpruned ones are pruned.</summary>
    public abstract Tensor Importance(Tensor weight);

    /// <summary>Masks the least important entries of <paramref name="weight"/> among those <paramref name="currentMask"/> still keeps, so repeated pruning removes a share of what is left.</summary>
    public override Tensor ComputeMask(Tensor weight, Tensor currentMask)
    {
        using var scope = NewDisposeScope();
        var importance = Importance(weight);
        return MaskSelection.PruneLowest([importance], [currentMask], Amount)[0].MoveToOuterDisposeScope();
    }
}

/// <summary>Magnitude pruning: importance |w| (Han et al. 2015, "Learning both Weights and Connections").</summary>
public sealed class L1Unstructured(PruningAmount amount) : UnstructuredPruningMethod(amount)
{
    /// <summary>The magnitude |w|: the classic criterion.</summary>
    public override Tensor Importance(Tensor weight) => weight.detach().abs();
}

/// <summary>
/// Random pruning, the baseline every method must beat. <see cref="Seed"/> fixes the choice:
/// the same seed prunes the same weights.
/// </summary>
public sealed class RandomUnstructured(PruningAmount amount, int seed = 0) : UnstructuredPruningMethod(amount)
{
    /// <summary>Seed of the random scores: the same seed prunes the same weights.</summary>
    public int Seed { get; } = seed;

    /// <summary>Seeded random scores: the control that shows what a criterion adds over chance.</summary>
    public override Tensor Importance(Tensor weight)
    {
        using var generator = new Generator((ulong)Seed);
        return rand(weight.shape, generator: generator);
    }
}
