using Condense.Quantization;

namespace Condense.Tests.Quantization;

public sealed class ActivationStatisticsTests
{
    static ActivationStatistics Observe(params float[][] batches)
    {
        var s = new ActivationStatistics();
        foreach (var b in batches) s.ObserveRange(b);
        foreach (var b in batches) s.ObserveHistogram(b);
        return s;
    }

    [Fact]
    public void MinMax_spans_every_batch_and_contains_zero()
    {
        var s = Observe([1f, 2f, 3f], [5f, 2f, float.NaN]);
        Assert.Equal((0f, 5f), s.Range(RangeCalibration.MinMax));
        Assert.Equal((-4f, 0.5f), Observe([-4f, 0.5f]).Range(RangeCalibration.MinMax));
    }

    [Fact]
    public void Percentile_clips_a_lone_outlier()
    {
        var values = Enumerable.Range(0, 100_000).Select(i => (i % 1000) / 1000f).Append(50f).ToArray();
        var (lo, hi) = Observe(values).Range(RangeCalibration.Percentile, 99.9);
        Assert.Equal(0f, lo);
        Assert.InRange(hi, 0.95f, 1.05f);
    }

    [Fact]
    public void Entropy_clips_a_long_tail_but_keeps_the_bulk()
    {
        var r = new Random(1);
        // Half exact zeros (a ReLU), a Gaussian bulk, rare large outliers.
        var values = Enumerable.Range(0, 200_000).Select(i => i % 2 == 0 ? 0f : (float)Math.Abs(Normal(r))).ToList();
        values.AddRange(Enumerable.Range(0, 20).Select(i => 40f + i));
        var (_, hi) = Observe([.. values]).Range(RangeCalibration.KlDivergence);
        Assert.InRange(hi, 2.5f, 20f);
    }

    [Fact]
    public void Histogram_methods_need_the_second_pass()
    {
        var s = new ActivationStatistics();
        s.ObserveRange([1f]);
        Assert.Throws<InvalidOperationException>(() => s.Range(RangeCalibration.Percentile));
    }

    static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
