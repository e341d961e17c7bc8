using Condense.Imaging;

namespace Condense.Tests.Imaging;

public sealed class KMeansPlusPlusSeedingTests
{
    [Fact]
    public void Sampling_by_weight_returns_the_point_whose_cumulative_weight_passes_the_target()
    {
        float[] weights = [1, 2, 3];
        Assert.Equal(0, KMeansPlusPlusSeeding.SampleByWeight(weights, 0.5));
        Assert.Equal(1, KMeansPlusPlusSeeding.SampleByWeight(weights, 1.0));
        Assert.Equal(1, KMeansPlusPlusSeeding.SampleByWeight(weights, 2.9));
        Assert.Equal(2, KMeansPlusPlusSeeding.SampleByWeight(weights, 3.0));
        Assert.Equal(2, KMeansPlusPlusSeeding.SampleByWeight(weights, 100));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(7UL)]
    public void The_first_centre_is_drawn_by_weight_so_weightless_points_are_never_chosen(ulong seed)
    {
        var points = ColorPointSets.Of((0, 0, 0, 0), (10, 20, 30, 5), (200, 0, 0, 0));
        Assert.Equal([10.0, 20, 30], KMeansPlusPlusSeeding.Centres(points, 1, seed));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(12345UL)]
    public void The_second_centre_is_never_at_distance_zero_and_extra_centres_repeat_the_first(ulong seed)
    {
        var points = ColorPointSets.OnRed(0, 100);
        var two = KMeansPlusPlusSeeding.Centres(points, 2, seed);
        Assert.Equal([[0.0, 0, 0], [100.0, 0, 0]], ColorPointSets.Sorted(two));
        var three = KMeansPlusPlusSeeding.Centres(points, 3, seed);
        Assert.Equal(three[..3], three[6..]);      // fewer distinct points than k: the first centre again
        Assert.Equal(two, three[..6]);
    }

    [Fact]
    public void The_same_seed_gives_the_same_centres()
    {
        var points = ColorPointSets.OnRed(0, 1, 5, 9, 40, 41, 90, 200, 201, 255);
        Assert.Equal(KMeansPlusPlusSeeding.Centres(points, 4, 3), KMeansPlusPlusSeeding.Centres(points, 4, 3));
    }
}
