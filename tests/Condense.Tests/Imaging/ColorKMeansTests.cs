using Condense.Imaging;

namespace Condense.Tests.Imaging;

public sealed class ColorKMeansTests
{
    static readonly ColorPoints TwoClusters = ColorPointSets.OnRed(0, 2, 100, 102);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Well_separated_clusters_end_at_their_means_whatever_the_starts(int starts)
    {
        var result = ColorKMeans.Fit(TwoClusters, 2, new ColorQuantizerOptions { Seed = 4 }, starts);
        Assert.Equal([[1.0, 0, 0], [101.0, 0, 0]], ColorPointSets.Sorted(result.Centres));
        Assert.Equal(result.Assignment[0], result.Assignment[1]);
        Assert.Equal(result.Assignment[2], result.Assignment[3]);
        Assert.NotEqual(result.Assignment[0], result.Assignment[2]);
        Assert.True(result.Iterations >= starts, $"{result.Iterations} iterations over {starts} starts");
        Assert.Equal(4.0, TwoClusters.SquaredError(result.Centres, 2));   // four points each 1 away
    }

    [Fact]
    public void A_median_cut_start_runs_once()
    {
        var result = ColorKMeans.Fit(TwoClusters, 2, new ColorQuantizerOptions { Init = ColorInit.MedianCut }, starts: 5);
        Assert.Equal([1.0, 0, 0, 101, 0, 0], result.Centres);
        Assert.Equal(1, result.Iterations);   // the cut is already the answer: one iteration, nothing moves
        Assert.Equal(2, result.K);
    }

    [Fact]
    public void Start_seeds_spread_the_user_seed_by_the_golden_ratio()
    {
        Assert.Equal(3UL, ColorKMeans.StartSeed(0, 3));
        Assert.Equal(0x9E3779B97F4A7C15UL + 1, ColorKMeans.StartSeed(1, 1));
        Assert.Equal(unchecked(0xFFFFFFFFUL * 0x9E3779B97F4A7C15UL), ColorKMeans.StartSeed(-1, 0));
    }
}
