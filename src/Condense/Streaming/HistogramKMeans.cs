using Condense.Quantization;

namespace Condense.Streaming;

/// <summary>
/// k-means of a whole tensor from its <see cref="ValueHistogram"/>: one pass over the values,
/// then weighted 1-D k-means (<see cref="KMeans1D"/>) on at most 2^16 weighted points, whatever
/// the tensor's size. For BF16/F16 the histogram is exact, so this is k-means of the tensor itself.
/// </summary>
public static class HistogramKMeans
{
    /// <summary>Ascending centroids (at most <paramref name="clusters"/>) fitted to the histogram's weighted points.</summary>
    public static KMeansResult Fit(ValueHistogram histogram, int clusters)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        if (histogram.Count == 0) throw new CondenseException("k-means of an empty tensor");
        var (values, weights) = histogram.Points();
        return KMeans1D.Fit(values, weights, new KMeansOptions(clusters));
    }
}
