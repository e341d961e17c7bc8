namespace Condense.LowRank;

/// <summary>
/// How the randomized range finder re-normalises its sample between power iterations
/// (Halko, Martinsson &amp; Tropp 2011, Algorithm 4.4; scikit-learn's <c>power_iteration_normalizer</c>).
/// Without it, columns of (AAᵀ)^q AΩ collapse onto the top singular vector in floating point and
/// the information about the smaller directions the power iterations were meant to sharpen is lost.
/// </summary>
public enum PowerIterationNormalizer
{
    /// <summary>No normalisation: fastest, and safe only for q ≤ 1 or well-conditioned spectra.</summary>
    None,

    /// <summary>Orthonormalise with a thin QR after every product: the most stable (the default, as in torch.svd_lowrank).</summary>
    QR,

    /// <summary>Replace the sample by its permuted unit-lower LU factor: cheaper than QR, nearly as stable (scikit-learn's default for many iterations).</summary>
    LU,
}
