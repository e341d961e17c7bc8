using Condense.Imaging;

namespace Condense.Tests.Imaging;

public sealed class NearestCentresTests
{
    [Fact]
    public void The_nearest_and_runner_up_distances_in_each_metric()
    {
        var table = CentreTable.From([0, 0, 0, 10, 0, 0, 0, 20, 0], 3);
        Assert.Equal(0, NearestCentres.Nearest2<Euclidean>(1, 0, 0, table, out var best, out var second));
        Assert.Equal((1f, 9f), (best, second));
        Assert.Equal(1, NearestCentres.Nearest2<Manhattan>(7, 3, 0, table, out best, out second));
        Assert.Equal((6f, 10f), (best, second));    // |7−10| + 3 and 7 + 3
    }

    [Fact]
    public void Ties_go_to_the_lower_centre_and_padding_never_wins()
    {
        var table = CentreTable.From([0, 0, 0, 10, 0, 0], 2);
        Assert.Equal(0, NearestCentres.Nearest2<Euclidean>(5, 0, 0, table, out var best, out var second));
        Assert.Equal((5f, 5f), (best, second));
        Assert.Equal(0, table.Padded % System.Numerics.Vector<float>.Count);
        Assert.All(table.X[2..], x => Assert.Equal(1e6f, x));
        Assert.Equal(1, NearestCentres.Nearest2<Euclidean>(255, 255, 255, table, out _, out _));
    }
}
