using System.Globalization;

namespace Condense.Pruning;

/// <summary>
/// How much to prune: a fraction of the candidates or an exact count, never confused.
/// PyTorch's <c>amount=1</c> (one weight) versus <c>amount=1.0</c> (every weight) trap cannot
/// happen here: <see cref="OfFraction"/> and <see cref="OfCount"/> are different calls.
/// </summary>
/// <remarks>
/// A fraction is resolved against the weights that are still unpruned (as PyTorch's iterative
/// pruning does), rounding to the nearest integer, so pruning 20 % three times keeps 0.8³ of
/// the weights. A fraction must lie in [0, 1): pruning everything is never what a caller means.
/// </remarks>
public readonly record struct PruningAmount
{
    PruningAmount(double? fraction, long? count) { Fraction = fraction; Count = count; }

    /// <summary>The fraction in [0, 1), or null for a count.</summary>
    public double? Fraction { get; }

    /// <summary>The number of weights (or slices, for structured pruning), or null for a fraction.</summary>
    public long? Count { get; }

    /// <summary>A fraction of the remaining candidates, in [0, 1).</summary>
    public static PruningAmount OfFraction(double fraction)
    {
        if (!(fraction >= 0 && fraction < 1))
            throw new CondenseException($"sparsity {fraction.ToString(CultureInfo.InvariantCulture)} must be in [0, 1)");
        return new PruningAmount(fraction, null);
    }

    /// <summary>An exact number of candidates to prune, ≥ 0.</summary>
    public static PruningAmount OfCount(long count)
    {
        if (count < 0) throw new CondenseException($"pruning count {count} must be ≥ 0");
        return new PruningAmount(null, count);
    }

    /// <summary>How many of <paramref name="available"/> candidates to prune.</summary>
    public long Resolve(long available)
    {
        if (Count is { } c)
        {
            if (c > available) throw new CondenseException($"cannot prune {c} of {available} remaining weights");
            return c;
        }
        return (long)Math.Round((Fraction ?? 0) * available, MidpointRounding.ToEven);
    }

    /// <inheritdoc/>
    public override string ToString() => Count is { } c ? $"{c} weights" : $"{Fraction!.Value.ToString("P2", CultureInfo.InvariantCulture)}";
}
