namespace Condense.LowRank;

/// <summary>
/// Settings of <see cref="RandomizedSvd"/>, named as in Halko, Martinsson &amp; Tropp (2011) and
/// scikit-learn's <c>randomized_svd</c>. Validated on construction: bad values are rejected, not clamped.
/// </summary>
public sealed record RandomizedSvdOptions
{
    /// <summary>
    /// p, extra columns sampled beyond the rank (default 10, range 0–10000). HMT §4.2: with p = 10 the
    /// error bound's failure probability is below 10⁻¹⁰ or so and the expected error is within a small
    /// factor of σ_{r+1}; torch.svd_lowrank uses p = 0, which is why its error is larger at equal r.
    /// The sample size r + p is capped at min(m, n).
    /// </summary>
    public int Oversamples
    {
        get;
        init => field = value is >= 0 and <= 10_000 ? value
            : throw new CondenseException($"oversamples must be in [0, 10000], got {value}");
    } = 10;

    /// <summary>
    /// q, power iterations (default 2, range 0–100): each applies (AAᵀ) once more, raising the spectrum
    /// to the power 2q + 1 so that slowly decaying spectra (like 1/i) separate; each costs two products with A.
    /// </summary>
    public int PowerIterations
    {
        get;
        init => field = value is >= 0 and <= 100 ? value
            : throw new CondenseException($"power iterations must be in [0, 100], got {value}");
    } = 2;

    /// <summary>Normalisation between power iterations (default QR; LU is cheaper; None only for q ≤ 1).</summary>
    public PowerIterationNormalizer Normalizer
    {
        get;
        init => field = Enum.IsDefined(value) ? value
            : throw new CondenseException($"unknown power-iteration normalizer {value}");
    } = PowerIterationNormalizer.QR;

    /// <summary>Seed of the Gaussian test matrix (default 0): the same seed gives the same factors.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// First sketch size for an adaptive rank (energy or error target; default 32, range 1–100000):
    /// the sketch doubles until the target is met, and falls back to the exact SVD when it would reach min(m, n).
    /// </summary>
    public int InitialRank
    {
        get;
        init => field = value is >= 1 and <= 100_000 ? value
            : throw new CondenseException($"initial rank must be in [1, 100000], got {value}");
    } = 32;

    /// <summary>The defaults: p = 10, q = 2, QR, seed 0.</summary>
    public static RandomizedSvdOptions Default { get; } = new();
}
