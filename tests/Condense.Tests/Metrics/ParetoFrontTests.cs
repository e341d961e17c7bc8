using Condense.Metrics;

namespace Condense.Tests.Metrics;

public class ParetoFrontTests
{
    [Fact]
    public void KeepsOnlyPointsNothingElseBeats()
    {
        // (size, accuracy): b is dominated by a (bigger, worse); d by c (same size, worse).
        double[] sizes = [10, 20, 30, 30, 40];
        double[] acc = [0.90, 0.85, 0.95, 0.93, 0.97];
        Assert.Equal([0, 2, 4], ParetoFront.Indices(sizes, acc));
    }

    [Fact]
    public void ErrorsAreMinimised()
    {
        double[] sizes = [1, 2, 3];
        double[] mse = [0.05, 0.06, 0.01];
        Assert.Equal([0, 2], ParetoFront.Indices(sizes, mse, higherIsBetter: false));
    }

    [Fact]
    public void IgnoresNaN() => Assert.Equal([1], ParetoFront.Indices([1, 2], [double.NaN, 0.5]));
}
