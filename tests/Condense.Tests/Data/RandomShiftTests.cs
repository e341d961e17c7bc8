using Condense.Data;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Tests.Data;

public class RandomShiftTests
{
    static Tensor OnePixel(int row, int col)
    {
        var image = new float[784];
        image[row * 28 + col] = 1;
        return tensor(image, [1, 784]);
    }

    [Theory]
    [InlineData(10, 12, 2, -1)]
    [InlineData(0, 0, 0, 0)]
    [InlineData(27, 27, -3, -3)]
    [InlineData(5, 20, 1, 2)]
    public void APixelMovesByTheOffset(int row, int col, int dx, int dy)
    {
        using var image = OnePixel(row, col);
        using var offsets = tensor(new long[] { dx, dy }, [1, 2]);
        using var shifted = RandomShift.Apply(image, 3, offsets);
        var values = shifted.data<float>().ToArray();
        Assert.Equal(1, values.Sum());
        Assert.Equal(1, values[(row + dy) * 28 + col + dx]);
    }

    [Fact]
    public void WhatLeavesTheImageIsDroppedAndTheBorderIsBackground()
    {
        using var image = OnePixel(0, 27);
        using var offsets = tensor(new long[] { 1, 0 }, [1, 2]);
        using var shifted = RandomShift.Apply(image, 2, offsets);
        Assert.Equal(0, shifted.sum().item<float>());
        using var full = ones(1, 784);
        using var down = tensor(new long[] { 0, 2 }, [1, 2]);
        using var moved = RandomShift.Apply(full, 2, down);
        var v = moved.data<float>().ToArray();
        Assert.Equal(2 * 28, v.Count(x => x == 0));
        Assert.All(v.Take(2 * 28), x => Assert.Equal(0, x));
    }

    [Fact]
    public void EachRowGetsItsOwnOffsetAndTheSameSeedTheSameOffsets()
    {
        manual_seed(3);
        using var batch = rand(256, 784);
        using var g1 = new Generator(7);
        using var g2 = new Generator(7);
        using var a = RandomShift.Apply(batch, 2, g1);
        using var b = RandomShift.Apply(batch, 2, g2);
        using (var identical = (a == b).all()) Assert.True(identical.item<bool>());
        // With 25 offsets and 256 rows, some rows are moved and some (1 in 25) are not: the
        // offsets are per row, not one per batch.
        using var unchanged = (a == batch).all(1);
        var same = unchanged.sum().item<long>();
        Assert.InRange(same, 1, 100);
    }

    [Fact]
    public void ShiftZeroLeavesTrainingUnchangedAndShiftOutOfRangeIsRefused()
    {
        Assert.Equal(0, new TrainingOptions().Shift);
        Assert.Equal("shift must be 0–8 pixels, got 9", Assert.Throws<CondenseException>(() => new TrainingOptions { Shift = 9 }).Message);
        using var image = zeros(1, 784);
        using var g = new Generator(1);
        Assert.Contains("shift -1", Assert.Throws<CondenseException>(() => RandomShift.Apply(image, -1, g)).Message);
        using var wrong = zeros(2, 100);
        Assert.Contains("28 × 28", Assert.Throws<CondenseException>(() => RandomShift.Apply(wrong, 2, g)).Message);
    }
}
