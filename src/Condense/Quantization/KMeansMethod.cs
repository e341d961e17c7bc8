namespace Condense.Quantization;

/// <summary>Which algorithm actually produced a <see cref="KMeansResult"/> (reported, because <see cref="CentroidInit.Auto"/> chooses).</summary>
public enum KMeansMethod
{
    /// <summary>The exact DP: the result is the global optimum.</summary>
    ExactDp,
    /// <summary>Exact DP over a weighted histogram (clusters are unions of bins), then Lloyd on all points.</summary>
    HistogramDpLloyd,
    /// <summary>Lloyd's algorithm from the chosen initialisation.</summary>
    Lloyd,
    /// <summary>No more distinct values than clusters: every value is its own centroid (SSE 0).</summary>
    Trivial,
}
