using Condense.Imaging;

namespace Condense.Tests.Imaging;

public sealed class MedianCutTests
{
    [Fact]
    public void Two_boxes_split_at_the_weighted_median_of_the_widest_channel()
    {
        var points = ColorPointSets.Of((200, 0, 0, 1), (0, 7, 0, 1), (210, 0, 0, 1), (10, 1, 0, 1));
        // Red spans 210 (green 7): sorted by red 0, 10 | 200, 210; means (5, 4, 0) and (205, 0, 0).
        Assert.Equal([5.0, 4, 0, 205, 0, 0], MedianCut.Centres(points, 2));
    }

    [Fact]
    public void The_box_with_the_largest_weighted_spread_is_split_first()
    {
        // Box {0, 10} ×1 has spread 2·10² = 200; box {100, 140} ×1 has 2·40² = 3200: it splits next.
        var centres = MedianCut.Centres(ColorPointSets.OnRed(0, 10, 100, 140), 3);
        Assert.Equal([[5.0, 0, 0], [100.0, 0, 0], [140.0, 0, 0]], ColorPointSets.Sorted(centres));
    }

    [Fact]
    public void Spread_picks_the_widest_channel_ties_to_red_then_green()
    {
        var points = ColorPointSets.Of((0, 0, 0, 2), (5, 5, 1, 3));
        Assert.Equal((0, 5f, 5.0), MedianCut.Spread(points, [0, 1], 0, 2));
        var green = ColorPointSets.Of((0, 0, 0, 1), (1, 6, 6, 1));
        Assert.Equal((1, 6f, 2.0), MedianCut.Spread(green, [0, 1], 0, 2));
    }

    [Fact]
    public void Fewer_points_than_k_repeat_the_last_box()
    {
        Assert.Equal([0.0, 0, 0, 9, 0, 0, 9, 0, 0], MedianCut.Centres(ColorPointSets.OnRed(0, 9), 3));
    }
}
