namespace Condense.Quantization;

/// <summary>
/// How <see cref="KMeans1D"/> chooses its starting centroids (and, for <see cref="Exact"/>, the
/// whole answer). One enum, one factory (<see cref="KMeans1D.Fit(ReadOnlySpan{float}, KMeansOptions)"/>),
/// as in TF-MOT's <c>CentroidInitialization</c>.
/// </summary>
public enum CentroidInit
{
    /// <summary>
    /// The default: the exact dynamic programme when it is cheap (k·n ≤ <see cref="KMeansOptions.ExactBudget"/>),
    /// otherwise the optimum over a weighted histogram of the data (exact on bin groups) refined
    /// by Lloyd on the full sorted data. Within 0.01–0.1 % of the optimum in practice, and never
    /// worse than the histogram optimum it starts from.
    /// </summary>
    Auto,

    /// <summary>
    /// The optimal 1-D k-means. For k &gt; 4 by Lagrangian relaxation of the cluster count (a few
    /// near-linear penalised solves, O(n) memory; Grønlund et al. 2017); for k ≤ 4, and when tied
    /// counts leave no penalty with exactly k clusters, by the layered divide-and-conquer DP
    /// (Wang &amp; Song 2011, Ckmeans.1d.dp; O(k·n·log n) time, 4·k·n bytes).
    /// <see cref="KMeansResult.Method"/> says which ran.
    /// </summary>
    Exact,

    /// <summary>Centroids evenly spaced between min and max (Deep Compression's choice, Han et al. 2016 §3.2), then Lloyd.</summary>
    Linear,

    /// <summary>Centroids at the quantiles (j+½)/k of the weight distribution (density / CDF init), then Lloyd.</summary>
    Density,

    /// <summary>Seeded k-means++ D² sampling (Arthur &amp; Vassilvitskii 2007), then Lloyd: what scikit-learn does.</summary>
    KMeansPlusPlus,
}
