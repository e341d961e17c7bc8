using Condense.Codecs;

namespace Condense.Tests.Codecs;

public sealed class UniformGridTests
{
    [Fact]
    public void Asymmetric_grid_has_known_scale_and_zero()
    {
        // [−1, 3] on 0..15: γ = 4/15, β = round(1 / γ) = round(3.75) = 4.
        var (scale, zero) = UniformGrid.Asymmetric(-1, 3, 0, 15);
        Assert.Equal((float)(4.0 / 15), scale);
        Assert.Equal(4, zero);
        Assert.Equal(zero, UniformGrid.Code(0, scale, zero, 0, 15));
        Assert.Equal(0f, UniformGrid.Value(zero, scale, zero));
        Assert.Equal(0, UniformGrid.Code(-5, scale, zero, 0, 15)); // clamped
        Assert.Equal(15, UniformGrid.Code(5, scale, zero, 0, 15));
    }

    [Fact]
    public void Asymmetric_range_is_widened_to_hold_zero()
    {
        Assert.Equal(((float)(2.0 / 15), 0), UniformGrid.Asymmetric(1, 2, 0, 15));
        Assert.Equal(((float)(2.0 / 255), 127), UniformGrid.Asymmetric(-2, -1, -128, 127));
        Assert.Equal((1f, 0), UniformGrid.Asymmetric(0, 0, 0, 15));
    }

    [Fact]
    public void Codes_decode_within_half_a_step_inside_the_range()
    {
        var r = new Random(5);
        for (int t = 0; t < 200; t++)
        {
            double lo = -r.NextDouble(), hi = r.NextDouble();
            var (scale, zero) = UniformGrid.Asymmetric(lo, hi, 0, 15);
            for (int i = 0; i < 50; i++)
            {
                var x = (float)(lo + r.NextDouble() * (hi - lo));
                var back = UniformGrid.Value(UniformGrid.Code(x, scale, zero, 0, 15), scale, zero);
                Assert.True(Math.Abs(back - x) <= scale / 2 * 1.0001 + 1e-7, $"{x} -> {back} (γ {scale})");
            }
        }
    }

    [Fact]
    public void Symmetric_scale_equals_the_float_quotient_bit_for_bit()
    {
        // Why BlockCodes' and QDQ's float max/limit and the codec's double quotient agree.
        var r = new Random(9);
        for (int i = 0; i < 100_000; i++)
        {
            var m = (float)(r.NextDouble() * Math.Pow(10, r.Next(-6, 3)));
            int limit = r.Next(1, 128);
            Assert.Equal(m / limit, UniformGrid.SymmetricScale(m, limit));
        }
        Assert.Equal(1f, UniformGrid.SymmetricScale(0, 7));
    }
}
