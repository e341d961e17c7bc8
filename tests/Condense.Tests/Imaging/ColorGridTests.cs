using Condense.Imaging;

namespace Condense.Tests.Imaging;

public sealed class ColorGridTests
{
    [Fact]
    public void Colors_in_one_cell_become_one_point_at_their_weighted_mean()
    {
        // At 6 bits a cell is 4 values wide: (0,0,0) and (3,3,3) share cell 0; (255,0,0) is cell 63·64².
        byte[] pixels = [0, 0, 0, 255, 0, 0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 255, 0, 0];
        var histogram = ColorHistogram.Build(new RgbImage(6, 1, pixels));   // colours: black, red, grey
        var grid = ColorGrid.Of(histogram, 6);
        Assert.Equal(2, grid.Points.Count);
        Assert.Equal([2.25f, 255f], grid.Points.X);    // (0·1 + 3·3) / 4
        Assert.Equal([2.25f, 0f], grid.Points.Y);
        Assert.Equal([2.25f, 0f], grid.Points.Z);
        Assert.Equal([4f, 2f], grid.Points.W);
        Assert.Equal([0, 1, 0], grid.PointOfColor);
    }

    [Fact]
    public void At_eight_bits_every_colour_is_its_own_cell_in_cell_order()
    {
        byte[] pixels = [9, 9, 9, 1, 2, 3, 9, 9, 9];
        var grid = ColorGrid.Of(ColorHistogram.Build(new RgbImage(3, 1, pixels)), 8);
        Assert.Equal([1f, 9f], grid.Points.X);    // cells in order of their index, not of appearance
        Assert.Equal([1f, 2f], grid.Points.W);
        Assert.Equal([1, 0], grid.PointOfColor);
    }
}
