namespace Condense.Quantization;

/// <summary>Which algorithm actually produced a <see cref="KMeansResult"/> (reported, because <see cref="CentroidInit.Auto"/> chooses).</summary>
public enum KMeansMethod
{
    /// <summary>The layered exact DP (Ckmeans.1d.dp): the global optimum. Run when the Lagrangian search finds no penalty giving exactly k clusters (tied counts).</summary>
    ExactDp,
    /// <summary>Exact DP over a weighted histogram (clusters are unions of bins), then Lloyd on all points.</summary>
    HistogramDpLloyd,
    /// <summary>Lloyd's algorithm from the chosen initialisation.</summary>
    Lloyd,
    /// <summary>No more distinct values than clusters: every value is its own centroid (SSE 0).</summary>
    Trivial,
    /// <summary>The exact optimum by Lagrangian relaxation of the cluster count (<c>KMeansLagrangian</c>): the global optimum, as <see cref="ExactDp"/>, in O(n) memory.</summary>
    ExactLagrangian,
}
