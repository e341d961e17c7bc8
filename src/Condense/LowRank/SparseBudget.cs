using System.Globalization;

namespace Condense.LowRank;

/// <summary>
/// How many entries the sparse part S of a low-rank + sparse split may hold: an exact count or a
/// fraction of the m·n entries, never confused (<c>1</c> entry versus <c>1.0</c> of them cannot be
/// mistaken: <see cref="OfCount"/> and <see cref="OfFraction"/> are different calls).
/// </summary>
/// <remarks>
/// A fraction is resolved against m·n, rounding to the nearest integer (ties to even). Either way the
/// count must stay below m·n: a sparse part holding every entry is W itself, not a compression.
/// </remarks>
public readonly record struct SparseBudget
{
    SparseBudget(double? fraction, long? count) { Fraction = fraction; Count = count; }

    /// <summary>The fraction of the entries in [0, 1), or null for a count.</summary>
    public double? Fraction { get; }

    /// <summary>The exact number of entries, or null for a fraction.</summary>
    public long? Count { get; }

    /// <summary>No sparse part: the split is the plain truncated SVD.</summary>
    public static SparseBudget None { get; } = OfCount(0);

    /// <summary>A fraction of the m·n entries, in [0, 1) (0.01 keeps 1 % of the entries in S).</summary>
    public static SparseBudget OfFraction(double fraction)
    {
        if (!(fraction >= 0 && fraction < 1))
            throw new CondenseException($"sparse fraction {fraction.ToString(CultureInfo.InvariantCulture)} must be in [0, 1)");
        return new SparseBudget(fraction, null);
    }

    /// <summary>Exactly <paramref name="count"/> ≥ 0 entries (checked against m·n when used).</summary>
    public static SparseBudget OfCount(long count)
    {
        if (count < 0) throw new CondenseException($"sparse count {count} must be ≥ 0");
        return new SparseBudget(null, count);
    }

    /// <summary>The number of entries s for a matrix of <paramref name="entries"/> = m·n entries; s &lt; m·n.</summary>
    public long Resolve(long entries)
    {
        var s = Count ?? (long)Math.Round((Fraction ?? 0) * entries, MidpointRounding.ToEven);
        if (s >= entries)
            throw new CondenseException($"sparse part of {s} entries must be smaller than the matrix's {entries} entries");
        return s;
    }

    /// <inheritdoc/>
    public override string ToString() => Count is { } c
        ? $"{c} entries"
        : Fraction!.Value.ToString("0.####%", CultureInfo.InvariantCulture);
}
