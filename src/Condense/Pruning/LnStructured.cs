using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// Structured pruning: whole slices along <see cref="Dim"/> (dim 0 = rows = output neurons of a
/// linear layer, dim 1 = columns = inputs) with the lowest L<sub>n</sub> norm. The amount counts
/// slices, not weights. Pruned rows can then be removed for real
/// (<see cref="NeuronRemoval.Compact"/>), which is what makes a model smaller and faster.
/// </summary>
internal sealed class LnStructured : PruningMethod
{
    /// <param name="amount">Slices to prune (fraction of the remaining slices or a count).</param>
    /// <param name="n">The norm's order: 1, 2 (default, as Li et al. 2017 use L1 and NNI L2) or ∞.</param>
    /// <param name="dim">0 (rows) or 1 (columns) of a 2-D weight.</param>
    public LnStructured(PruningAmount amount, double n = 2, int dim = 0) : base(amount)
    {
        if (!(n >= 1)) throw new CondenseException($"norm order {n} must be ≥ 1 (or infinity)");
        if (dim is not (0 or 1)) throw new CondenseException($"dim {dim} must be 0 (rows) or 1 (columns)");
        N = n;
        Dim = dim;
    }

    public double N { get; }
    public int Dim { get; }

    /// <summary>The L<sub>n</sub> norm of each slice along <see cref="Dim"/> (a vector).</summary>
    public Tensor SliceNorms(Tensor weight)
    {
        var other = 1 - Dim;
        var a = weight.detach().abs();
        if (double.IsPositiveInfinity(N)) return a.amax([other]);
        return a.pow(N).sum(other).pow(1 / N);
    }

    public override Tensor ComputeMask(Tensor weight, Tensor currentMask)
    {
        // A conv kernel (out × in × k × k) loses whole filters: its rows as out × (in·k·k).
        if (weight.dim() > 2 && Dim == 0)
        {
            using var flat = NewDisposeScope();
            var rows = ComputeMask(weight.reshape(weight.shape[0], -1), currentMask.reshape(weight.shape[0], -1));
            return rows.reshape(weight.shape).MoveToOuterDisposeScope();
        }
        if (weight.dim() != 2) throw new CondenseException($"structured pruning needs a 2-D weight (or filters of a conv kernel), got {weight.dim()}-D");
        using var scope = NewDisposeScope();
        var other = 1 - Dim;
        var sliceMask = (currentMask.amax([other]) > 0).to(ScalarType.Float32);
        var newSlices = MaskSelection.PruneLowest([SliceNorms(weight)], [sliceMask], Amount)[0];
        var broadcast = Dim == 0 ? newSlices.unsqueeze(1) : newSlices.unsqueeze(0);
        return (currentMask * broadcast).MoveToOuterDisposeScope();
    }
}
