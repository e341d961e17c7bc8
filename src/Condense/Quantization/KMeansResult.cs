namespace Condense.Quantization;

/// <summary>
/// The outcome of <see cref="KMeans1D"/>: centroids in ascending order (at most k: fewer when the
/// data has fewer distinct values), the weighted sum of squared errors, and how it was found.
/// </summary>
/// <param name="Centroids">Ascending centroids (the codebook).</param>
/// <param name="Sse">Σ wᵢ (xᵢ − c(xᵢ))² with each point assigned to its nearest centroid.</param>
/// <param name="Method">The algorithm that produced it.</param>
/// <param name="Iterations">Lloyd iterations run; for <see cref="KMeansMethod.ExactLagrangian"/> the penalised problems solved; 0 for the layered DP.</param>
/// <param name="Converged">Whether Lloyd reached a fixed point (true for the exact DP).</param>
/// <param name="SseTrace">SSE after each Lloyd iteration (non-increasing); empty for the DP.</param>
public sealed record KMeansResult(
    double[] Centroids,
    double Sse,
    KMeansMethod Method,
    int Iterations,
    bool Converged,
    IReadOnlyList<double> SseTrace)
{
    /// <summary>Index of the nearest centroid to <paramref name="value"/> (ties go to the lower one).</summary>
    public int Assign(double value) => KMeans1D.Nearest(Centroids, value);
}
