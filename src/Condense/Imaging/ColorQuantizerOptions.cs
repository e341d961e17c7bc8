using System.Globalization;

namespace Condense.Imaging;

/// <summary>
/// Settings of <see cref="ColorQuantizer"/>. Each is checked when it is set (initialiser or
/// <c>with</c>), so a bad setting fails where it is written and a quantizer never sees one.
/// </summary>
public sealed record ColorQuantizerOptions
{
    /// <summary>Number of palette colours k, 1 … 256 (default 16). 256 is the most an 8-bit indexed PNG holds.</summary>
    public int Colors { get; init => field = value is >= 1 and <= 256 ? value : throw new CondenseException($"colours must be 1–256, got {value}"); } = 16;

    /// <summary>Seed of every random choice (default 0): the same seed and image give the same palette, indices and bytes.</summary>
    public int Seed { get; init; }

    /// <summary>Starting palette (default <see cref="ColorInit.KMeansPlusPlus"/>).</summary>
    public ColorInit Init
    {
        get;
        init => field = Enum.IsDefined(value) ? value
            : throw new CondenseException($"colour initialisation must be one of {string.Join(", ", Enum.GetNames<ColorInit>())}, got {(int)value}");
    } = ColorInit.KMeansPlusPlus;

    /// <summary>
    /// Seeded k-means++ starts, 1 … 100, the one with the least squared error winning; null
    /// (default) chooses: 3 for k ≤ 64 when the start is found on the colour grid (where a start
    /// costs a few milliseconds), else 1, as scikit-learn's <c>n_init</c>. Ignored for
    /// <see cref="ColorInit.MedianCut"/>.
    /// </summary>
    public int? Starts
    {
        get;
        init => field = value is not { } n || n is >= 1 and <= 100 ? value : throw new CondenseException($"k-means starts must be 1–100, got {n}");
    }

    /// <summary>Most Lloyd iterations, 1 … 10 000 (default 300, scikit-learn's).</summary>
    public int MaxIterations { get; init => field = value is >= 1 and <= 10_000 ? value : throw new CondenseException($"Lloyd iterations must be 1–10000, got {value}"); } = 300;

    /// <summary>
    /// Lloyd stops when the centres' total squared shift in one iteration is at most
    /// Tolerance × the mean per-channel variance of the pixels, 0 … 1 (default 1e-4, as
    /// scikit-learn's <c>tol</c>), or when no pixel changes colour. 0 runs to exact convergence.
    /// </summary>
    public double Tolerance
    {
        get;
        init => field = value is >= 0 and <= 1 ? value
            : throw new CondenseException(string.Create(CultureInfo.InvariantCulture, $"Lloyd tolerance must be in [0, 1], got {value}"));
    } = 1e-4;

    /// <summary>
    /// After Lloyd (which minimises squared error), refine the palette for the article's error
    /// Σ_c |W − Q| with weighted k-medians steps: assign by absolute error, move each entry to
    /// its colours' per-channel weighted median. Each step can only lower the mean error; default
    /// true. k = 1 always stays the mean colour, as the article defines it.
    /// </summary>
    public bool RefineAbsoluteError { get; init; } = true;
}
