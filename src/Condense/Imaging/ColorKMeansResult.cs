namespace Condense.Imaging;

/// <summary>What a colour k-means run found; immutable once returned.</summary>
/// <param name="Centres">k centres, (r, g, b) triples, unrounded.</param>
/// <param name="Assignment">Each point's centre.</param>
/// <param name="Iterations">Lloyd iterations run (over all starts, for <see cref="ColorKMeans.Fit"/>).</param>
internal sealed record ColorKMeansResult(double[] Centres, int[] Assignment, int Iterations)
{
    /// <summary>Number of centres.</summary>
    public int K => Centres.Length / 3;
}
