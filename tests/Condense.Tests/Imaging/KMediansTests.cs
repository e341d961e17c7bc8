using Condense.Imaging;

namespace Condense.Tests.Imaging;

public sealed class KMediansTests
{
    [Fact]
    public void An_entry_moves_to_its_points_weighted_median_not_their_mean()
    {
        // Entry 0 holds red 0, 2 and 3 ×3 (mean 2.2, weighted median 3); entry 1 holds 100.
        var points = ColorPointSets.Of((0, 0, 0, 1), (2, 0, 0, 1), (3, 0, 0, 3), (100, 0, 0, 1));
        int[] palette = [0, 0, 0, 100, 0, 0];
        var result = KMedians.Refine(points, palette, 2, maxSteps: 10);
        Assert.Equal([3, 0, 0, 100, 0, 0], result.Palette);
        Assert.Equal([0, 0, 0, 1], result.Assignment);
        Assert.Equal(1, result.Steps);                       // moved once, then no point changed entry
        Assert.Equal([0, 0, 0, 100, 0, 0], palette);         // the input palette is not modified
    }

    [Fact]
    public void Points_go_to_the_least_absolute_error_not_the_least_squared_error()
    {
        // From black, (4,0,0) is 4 away in L1 (16 squared) and (2,2,2) is 6 in L1 (12 squared).
        var result = KMedians.Refine(ColorPointSets.Of((0, 0, 0, 1)), [4, 0, 0, 2, 2, 2], 2, maxSteps: 0);
        Assert.Equal([0], result.Assignment);
        Assert.Equal(0, result.Steps);
        Assert.Equal([4, 0, 0, 2, 2, 2], result.Palette);
        NearestCentres.Nearest2<Euclidean>(0, 0, 0, CentreTable.From([4, 0, 0, 2, 2, 2], 2), out var euclidean, out _);
        Assert.Equal(MathF.Sqrt(12), euclidean);
    }

    [Fact]
    public void Weighted_median_is_the_lowest_value_reaching_half_the_weight()
    {
        Assert.Equal(2, KMedians.WeightedMedian([1, 1, 3], 5));
        Assert.Equal(0, KMedians.WeightedMedian([1, 1], 2));
        Assert.Equal(1, KMedians.WeightedMedian([1, 2, 1], 4));
    }
}
