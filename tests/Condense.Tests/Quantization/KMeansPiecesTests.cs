using Condense.Quantization;

namespace Condense.Tests.Quantization;

/// <summary>
/// The pieces KMeans1D picks among (KMeansInitialisers, KMeansExact, KMeansLloyd), each on a few
/// points whose answer is known by hand: three well-separated pairs {0, 0.1}, {10, 10.1}, {20, 20.1}.
/// </summary>
public sealed class KMeansPiecesTests
{
    static readonly float[] Pairs = [0f, 0.1f, 10f, 10.1f, 20f, 20.1f];
    static SortedPoints Points() => SortedPoints.FromValues(Pairs, "test");
    static readonly double[] PairMeans = [0.05, 10.05, 20.05];
    /// <summary>Each point is 0.05 from its pair's mean: 6 · 0.05².</summary>
    const double PairSse = 6 * 0.05 * 0.05;

    static double[] Unshift(SortedPoints p, double[] c) => c.Select(v => v + p.Shift).ToArray();

    [Fact]
    public void Linear_spreads_k_centroids_evenly_from_the_smallest_to_the_largest_value()
    {
        var p = Points();
        Assert.Equal([0, 10.05, 20.1], Unshift(p, KMeansInitialisers.Linear(p, 3)), new Tolerance(1e-5));
    }

    [Fact]
    public void Density_puts_each_centroid_at_a_weight_quantile()
    {
        var p = Points();   // six equal weights: quantiles 1/6, 3/6, 5/6 fall on the 1st, 3rd and 5th value
        Assert.Equal([0, 10, 20], Unshift(p, KMeansInitialisers.Density(p, 3)), new Tolerance(1e-5));
    }

    [Fact]
    public void PlusPlus_picks_k_distinct_data_values_and_the_same_ones_for_the_same_seed()
    {
        var p = Points();
        var a = KMeansInitialisers.PlusPlus(p, 3, seed: 7);
        Assert.Equal(a, KMeansInitialisers.PlusPlus(p, 3, seed: 7));
        Assert.Equal(3, a.Distinct().Count());
        Assert.All(a, c => Assert.Contains(c, p.X));
    }

    [Fact]
    public void OptimalCuts_split_the_pairs_and_their_centroids_are_the_pair_means()
    {
        var p = Points();
        var cuts = KMeansExact.OptimalCuts(p, 3);
        Assert.Equal(PairMeans, Unshift(p, KMeansExact.CentroidsOf(p, cuts)), new Tolerance(1e-5));
        var exact = KMeansExact.Exact(p, 3);
        Assert.Equal(KMeansMethod.ExactDp, exact.Method);   // k ≤ LayeredUpTo
        Assert.Equal(PairSse, exact.Sse, 1e-6);   // the values are floats: 0.1f is not 0.1
    }

    [Fact]
    public void Lloyd_from_a_start_off_the_pairs_reaches_the_pair_means()
    {
        var p = Points();
        double[] start = [p.X[0], p.X[2], p.X[3]];   // 0, 10, 10.1: the last centroid first takes 10.1, 20, 20.1
        var result = KMeansLloyd.Lloyd(p, start, maxIterations: 100, KMeansMethod.Lloyd);
        Assert.Equal(PairMeans, result.Centroids, new Tolerance(1e-5));
        Assert.Equal(PairSse, result.Sse, 1e-6);
        Assert.True(result.Converged);
    }

    [Fact]
    public void Lloyd_is_local_two_centroids_on_one_pair_stay_there()
    {
        var p = Points();
        double[] start = [p.X[0], p.X[1], p.X[2]];   // 0, 0.1, 10: a fixed point with the upper pairs merged
        var result = KMeansLloyd.Lloyd(p, start, maxIterations: 100, KMeansMethod.Lloyd);
        Assert.Equal([0, 0.1, 15.05], result.Centroids, new Tolerance(1e-5));
        Assert.Equal(2 * (5.05 * 5.05 + 4.95 * 4.95), result.Sse, 1e-4);   // 10, 10.1, 20, 20.1 about 15.05; 0 and 0.1 alone
    }

    [Fact]
    public void Finish_reports_the_sse_of_nearest_centroid_assignment()
    {
        var p = Points();
        double[] centroids = [0 - p.Shift, 10 - p.Shift, 20 - p.Shift];   // shifted, as the solvers hand them over
        var result = KMeansLloyd.Finish(p, centroids, KMeansMethod.Lloyd, 0, true, []);
        var brute = Pairs.Sum(v => Math.Pow(v - new[] { 0.0, 10, 20 }.MinBy(c => Math.Abs(v - c)), 2));
        Assert.Equal(brute, result.Sse, 1e-6);
        Assert.Equal([0, 10, 20], result.Centroids, new Tolerance(1e-9));
    }

    sealed class Tolerance(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= eps;
        public int GetHashCode(double obj) => 0;
    }
}
