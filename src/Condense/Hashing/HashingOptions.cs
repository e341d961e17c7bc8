using System.Globalization;

namespace Condense.Hashing;

/// <summary>
/// Settings of a hashed network. <see cref="Factor"/> is the weight compression: each layer's
/// pool holds ⌈in·out / Factor⌉ real parameters; biases stay real (they are a rounding error of
/// the count, as in HashedNets §6). Every setting is checked when it is set, so options that
/// exist are valid: a bad value fails where it is written, not later in a layer's constructor.
/// </summary>
public sealed record HashingOptions
{
    /// <summary>Virtual / real weights per layer; (1, 1,000,000]. The paper's settings are 8, 16, 32, 64.</summary>
    public double Factor
    {
        get;
        init => field = value > 1 && value <= 1_000_000 ? value
            : throw new CondenseException(string.Create(CultureInfo.InvariantCulture, $"compression factor must be greater than 1 and at most 1,000,000, got {value}"));
    } = 8;

    /// <summary>Hash functions per virtual weight (m); 1–16. HashedNets is m = 1.</summary>
    public int Hashes { get; init => field = value is >= 1 and <= 16 ? value : throw new CondenseException($"hashes must be 1–16, got {value}"); } = 1;

    /// <summary>How the m reads combine; ignored when <see cref="Hashes"/> is 1.</summary>
    public HashReduction Reduction
    {
        get;
        init => field = Enum.IsDefined(value) ? value
            : throw new CondenseException($"hash reduction must be one of {string.Join(", ", Enum.GetNames<HashReduction>())}, got {(int)value}");
    } = HashReduction.Sum;

    /// <summary>Which virtual layer: HashedNets' hashed pool or the structured (low-rank-like) variant.</summary>
    public HashingVariant Variant
    {
        get;
        init => field = Enum.IsDefined(value) ? value
            : throw new CondenseException($"hashing variant must be one of {string.Join(", ", Enum.GetNames<HashingVariant>())}, got {(int)value}");
    } = HashingVariant.Hashed;

    /// <summary>
    /// Multi-hashing with m separate buckets ν₁…ν_m (each of K/m entries, hash k reading only νₖ)
    /// instead of m hashes into one shared pool. The stored parameters are the same K either way;
    /// separate buckets make the m reads of a weight always distinct entries. Ignored when
    /// <see cref="Hashes"/> is 1.
    /// </summary>
    public bool SeparateBuckets { get; init; }

    /// <summary>Seeds the hash functions (and nothing else; weight init follows TorchSharp's seed).</summary>
    public int Seed { get; init; }

    /// <summary>Real weights a layer of <paramref name="virtualCount"/> virtual weights gets: at least one.</summary>
    public long PoolSize(long virtualCount)
    {
        var pool = Math.Max(1, (long)Math.Ceiling(virtualCount / Factor));
        // Separate buckets: m buckets of equal size, so the pool is a multiple of m.
        return SeparateBuckets && Hashes > 1 ? (pool + Hashes - 1) / Hashes * Hashes : pool;
    }
}
