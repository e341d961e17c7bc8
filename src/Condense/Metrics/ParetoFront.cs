namespace Condense.Metrics;

/// <summary>
/// The Pareto front of compression results: the settings no other setting beats on both size
/// and quality. It is what a user should choose from; everything else costs bytes or accuracy
/// for nothing.
/// </summary>
public static class ParetoFront
{
    /// <summary>
    /// Indices of the points on the front, in order of increasing size. A point is on it when no
    /// other point is at most as large and strictly better, or strictly smaller and at least as good.
    /// </summary>
    /// <param name="sizes">Bytes (smaller is better).</param>
    /// <param name="quality">Accuracy (higher is better) or an error (set <paramref name="higherIsBetter"/> false).</param>
    /// <param name="higherIsBetter">Whether a larger quality value is better (true for accuracy, false for an error).</param>
    public static IReadOnlyList<int> Indices(IReadOnlyList<double> sizes, IReadOnlyList<double> quality, bool higherIsBetter = true)
    {
        if (sizes.Count != quality.Count) throw new ArgumentException("sizes and quality differ in length");
        var order = Enumerable.Range(0, sizes.Count)
            .Where(i => double.IsFinite(sizes[i]) && double.IsFinite(quality[i]))
            .OrderBy(i => sizes[i]).ThenByDescending(i => higherIsBetter ? quality[i] : -quality[i]).ToList();
        var front = new List<int>();
        var best = double.NegativeInfinity;
        foreach (var i in order)
        {
            var q = higherIsBetter ? quality[i] : -quality[i];
            if (q > best)
            {
                front.Add(i);
                best = q;
            }
        }
        return front;
    }
}
