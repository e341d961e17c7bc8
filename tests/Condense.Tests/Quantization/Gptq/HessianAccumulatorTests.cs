using Condense.Quantization.Gptq;

namespace Condense.Tests.Quantization.Gptq;

public sealed class HessianAccumulatorTests
{
    // n = 1000: three column blocks (the blocks above the diagonal are computed, those below mirrored);
    // the batches straddle the 512-row buffer (49 rows, as a 7×7 feature map gives, then 700 at once).
    // keepRows: false forms H from the first batch on (GPTQ's calibration) and must sum the same.
    [Theory]
    [InlineData(5, new[] { 3, 4 }, true)]
    [InlineData(1000, new[] { 49, 49, 700, 49, 1, 600 }, true)]
    [InlineData(1000, new[] { 49, 49, 700, 49, 1, 600 }, false)]
    public void Blocked_buffered_sums_equal_a_direct_float64_XᵀX(int n, int[] batches, bool keepRows)
    {
        var rng = new Random(n);
        var all = new List<float[]>();
        using var acc = new HessianAccumulator(n, keepRows);
        foreach (var rows in batches)
        {
            var x = Enumerable.Range(0, rows * n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            acc.Add(x, rows);
            for (int r = 0; r < rows; r++) all.Add(x.AsSpan(r * n, n).ToArray());
        }
        Assert.Equal(batches.Sum(), acc.Count);
        var h = acc.ToArray();
        var check = new Random(1);
        for (int t = 0; t < 400; t++)
        {
            int i = check.Next(n), j = check.Next(n);
            double expected = 0;
            foreach (var row in all) expected += (double)row[i] * row[j];
            Assert.Equal(expected, h[i * n + j], 1e-3 * Math.Max(1, Math.Abs(expected)));
            Assert.Equal(h[i * n + j], h[j * n + i]);
        }
        // A read completes the sums; rows added later still count.
        var more = Enumerable.Range(0, n).Select(_ => 1f).ToArray();
        acc.Add(more, 1);
        var after = acc.ToArray();
        Assert.Equal(h[n - 1] + 1, after[n - 1], 1e-3 * Math.Max(1, Math.Abs(h[n - 1])));
        Assert.Equal(after[n - 1], after[(n - 1) * n]);
    }

    // Fewer rows than features: the quadratic forms come from the rows; more, or keepRows: false: from H. All equal Σ‖A x‖².
    [Theory]
    [InlineData(600, 530, true)]
    [InlineData(600, 530, false)]
    [InlineData(600, 1100, true)]
    public void Quadratics_equal_the_sum_of_squared_products(int n, int count, bool keepRows)
    {
        var rng = new Random(count);
        var x = Enumerable.Range(0, count * n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        using var acc = new HessianAccumulator(n, keepRows);
        for (int start = 0; start < count; start += 49)
        {
            int rows = Math.Min(49, count - start);
            acc.Add(x.AsSpan(start * n, rows * n), rows);
        }
        var a = Enumerable.Range(0, 3 * n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var b = Enumerable.Range(0, 3 * n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var forms = acc.Quadratics(3, a, b);
        foreach (var (m, k) in new[] { (a, 0), (b, 1) })
        {
            double expected = 0;
            for (int r = 0; r < 3; r++)
                for (int i = 0; i < count; i++)
                {
                    double dot = 0;
                    for (int j = 0; j < n; j++) dot += (double)m[r * n + j] * x[i * n + j];
                    expected += dot * dot;
                }
            Assert.Equal(expected, forms[k], expected * 1e-4);
        }
    }

    // Rows kept while fewer than n: 512 rows of 1,000 features are held as rows (2 MB, and the next
    // batch's buffer), not as H (4 MB); with keepRows: false H exists from the first full batch, so
    // forming it never needs the rows too.
    [Theory]
    [InlineData(true, 2 * 4L * 512 * 1000)]
    [InlineData(false, 4L * 1000 * 1000)]
    public void Rows_are_kept_only_when_asked(bool keepRows, long bytes)
    {
        using var acc = new HessianAccumulator(1000, keepRows);
        acc.Add(new float[512 * 1000], 512);
        Assert.Equal(bytes, acc.Bytes);
    }
    // The array overload multiplies a batch of ≥ 512 rows in place (no copy): H and the quadratic forms must
    // equal the span overload's (which copies every batch) to the last bit, and the caller's array may be
    // overwritten as soon as Add returns (as the capture's im2col buffers are).
    [Theory]
    [InlineData(600, true)]
    [InlineData(600, false)]
    [InlineData(1000, true)]
    public void Arrays_read_in_place_sum_exactly_as_copied_spans(int n, bool keepRows)
    {
        var rng = new Random(7 + n);
        int[] batches = [49, 700, 512, 49, 1, 600, 1100];
        using var copied = new HessianAccumulator(n, keepRows);
        using var inPlace = new HessianAccumulator(n, keepRows);
        foreach (var rows in batches)
        {
            var x = Enumerable.Range(0, rows * n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            copied.Add(x.AsSpan(), rows);
            inPlace.Add(x, rows);
            Array.Fill(x, float.NaN); // reused by the caller: nothing may still read it
        }
        var a = Enumerable.Range(0, 2 * n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        Assert.Equal(copied.Quadratics(2, a), inPlace.Quadratics(2, a));
        var expected = copied.ToArray();
        var actual = inPlace.ToArray();
        Assert.All(actual, v => Assert.True(float.IsFinite((float)v)));
        Assert.Equal(expected, actual);
        Assert.NotEqual(0, actual[n + 1]);
    }
}
