using Condense.Imaging;

namespace Condense.Tests.Imaging;

public sealed class ColorPointsTests
{
    [Fact]
    public void The_histogram_gives_one_point_per_distinct_colour_weighted_by_its_pixels()
    {
        var image = new RgbImage(3, 1, [10, 20, 30, 200, 0, 5, 10, 20, 30]);
        var points = ColorPoints.FromHistogram(ColorHistogram.Build(image));
        Assert.Equal(2, points.Count);
        Assert.Equal([10f, 200f], points.X);   // order of first appearance
        Assert.Equal([20f, 0f], points.Y);
        Assert.Equal([30f, 5f], points.Z);
        Assert.Equal([2f, 1f], points.W);
        Assert.Equal(3.0, points.TotalWeight);
    }

    [Fact]
    public void Mean_variance_is_the_per_channel_weighted_variance_averaged()
    {
        // Red 0 and 6: mean 3, variance 9; green and blue constant: (9 + 0 + 0) / 3 = 3.
        Assert.Equal(3.0, ColorPointSets.OnRed(0, 6).MeanVariance());
        // Weighted: red 0 ×3 and 4 ×1: mean 1, E[x²] = 4, variance 3; mean over channels 1.
        Assert.Equal(1.0, ColorPointSets.Of((0, 0, 0, 3), (4, 0, 0, 1)).MeanVariance());
    }

    [Fact]
    public void Squared_error_weights_each_point_by_its_pixels()
    {
        var points = ColorPointSets.Of((0, 0, 0, 2), (3, 4, 0, 1));
        Assert.Equal(25.0, points.SquaredError([0, 0, 0], 1));               // 2·0 + 1·5²
        Assert.Equal(0.0, points.SquaredError([0, 0, 0, 3, 4, 0], 2));
        Assert.Equal(2 * 25.0, points.SquaredError([3, 4, 0], 1));          // 2·5² + 1·0
    }

    [Fact]
    public void Mismatched_coordinate_arrays_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new ColorPoints([1f, 2f], [1f], [1f, 2f], [1f, 1f]));
    }
}
