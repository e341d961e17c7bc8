namespace Condense.Imaging;

/// <summary>How <see cref="ColorQuantizer"/> chooses its starting palette.</summary>
public enum ColorInit
{
    /// <summary>
    /// k-means++ (Arthur &amp; Vassilvitskii, "k-means++: the advantages of careful seeding",
    /// SODA 2007, §2.2) on the weighted histogram of distinct colours: each new centre is drawn
    /// with probability proportional to pixel count × squared distance to the nearest chosen one.
    /// Seeded; the default.
    /// </summary>
    KMeansPlusPlus,

    /// <summary>
    /// Median cut (Heckbert, "Color image quantization for frame buffer display", SIGGRAPH 1982,
    /// §4): repeatedly split the box with the largest weighted spread at the weighted median of
    /// its longest axis. Deterministic (the seed is not used).
    /// </summary>
    MedianCut,
}
