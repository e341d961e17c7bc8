using Condense.Imaging;

namespace Condense.Tests.Imaging;

public sealed class HamerlyLloydTests
{
    static readonly ColorQuantizerOptions Defaults = new();

    [Fact]
    public void Two_clusters_converge_to_their_means_in_one_iteration()
    {
        var points = ColorPointSets.OnRed(0, 2, 10, 12);
        double[] start = [0, 0, 0, 12, 0, 0];
        var result = HamerlyLloyd.Run(points, start, 2, Defaults);
        Assert.Equal([1.0, 0, 0, 11, 0, 0], result.Centres);
        Assert.Equal([0, 0, 1, 1], result.Assignment);
        Assert.Equal(1, result.Iterations);      // the means move, then no point changes centre
        Assert.Equal([0.0, 0, 0, 12, 0, 0], start);   // the start is not modified
    }

    [Fact]
    public void A_centre_is_its_points_weighted_mean()
    {
        var result = HamerlyLloyd.Run(ColorPointSets.Of((0, 0, 0, 3), (4, 8, 0, 1)), [100, 100, 100], 1, Defaults);
        Assert.Equal([1.0, 2, 0], result.Centres);
        Assert.Equal([0, 0], result.Assignment);
    }

    [Fact]
    public void An_empty_centre_stays_where_it_is()
    {
        var result = HamerlyLloyd.Run(ColorPointSets.OnRed(0, 2), [0, 0, 0, 1000, 0, 0], 2, Defaults);
        Assert.Equal([1.0, 0, 0, 1000, 0, 0], result.Centres);
        Assert.Equal([0, 0], result.Assignment);
    }

    [Fact]
    public void Points_change_centre_as_the_centres_move_and_the_cap_stops_it()
    {
        // From centres 0 and 3: {0, 1} and {3, 7, 8} → means 0.5 and 6; point 3 moves to the first.
        var points = ColorPointSets.OnRed(0, 1, 3, 7, 8);
        var full = HamerlyLloyd.Run(points, [0, 0, 0, 3, 0, 0], 2, Defaults);
        Assert.Equal([4 / 3.0, 0, 0, 7.5, 0, 0], full.Centres);
        Assert.Equal([0, 0, 0, 1, 1], full.Assignment);
        Assert.Equal(2, full.Iterations);
        var capped = HamerlyLloyd.Run(points, [0, 0, 0, 3, 0, 0], 2, Defaults with { MaxIterations = 1 });
        Assert.Equal([0.5, 0, 0, 6, 0, 0], capped.Centres);
        Assert.Equal([0, 0, 1, 1, 1], capped.Assignment);
        Assert.Equal(1, capped.Iterations);
    }

    [Fact]
    public void A_hint_gives_the_same_answer_as_the_full_search()
    {
        var points = ColorPointSets.OnRed(0, 1, 3, 7, 8, 30, 31, 60);
        double[] start = [0, 0, 0, 8, 0, 0, 60, 0, 0];
        var plain = HamerlyLloyd.Run(points, start, 3, Defaults);
        var hinted = HamerlyLloyd.Run(points, start, 3, Defaults, hint: [2, 2, 2, 2, 2, 2, 2, 2]);
        Assert.Equal(plain.Centres, hinted.Centres);
        Assert.Equal(plain.Assignment, hinted.Assignment);
    }

    [Fact]
    public void Lower_bound_drops_are_the_largest_move_of_any_other_centre()
    {
        var drop = new float[3];
        Assert.Equal(5f, HamerlyBounds.LowerBoundDrops([1, 5, 2], drop));
        Assert.Equal([5f, 2f, 5f], drop);
        Assert.Equal(0f, HamerlyBounds.LowerBoundDrops([0, 0, 0], drop));
        Assert.Equal([0f, 0f, 0f], drop);
    }
}
