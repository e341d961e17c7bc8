using Condense.Codecs;
using Condense.Metrics;
using Condense.Quantization;

namespace Condense.Tests.Quantization;

public class LinearQuantizerTests
{
    static float[] W(int rows, int cols, int seed = 0, WeightDistribution d = WeightDistribution.Normal) =>
        WeightGenerator.Generate(new WeightGeneratorOptions(d, rows, cols, 0.05, seed));

    [Theory]
    [InlineData(LinearPrecision.Int8, true, Granularity.PerTensor)]
    [InlineData(LinearPrecision.Int8, false, Granularity.PerChannel)]
    [InlineData(LinearPrecision.UInt8, true, Granularity.PerChannel)]
    [InlineData(LinearPrecision.UInt8, false, Granularity.PerTensor)]
    [InlineData(LinearPrecision.Int4, true, Granularity.PerChannel)]
    [InlineData(LinearPrecision.Int4, false, Granularity.PerTensor)]
    public void MinMaxErrorIsAtMostHalfAStepPerElement(LinearPrecision p, bool symmetric, Granularity g)
    {
        var w = W(16, 100, 2);
        var q = new LinearQuantizer(new LinearQuantizationOptions(p) { Symmetric = symmetric, Granularity = g }).Quantize(w, [16, 100]);
        var r = q.Reconstruct();
        int per = w.Length / q.Scales.Length;
        for (int i = 0; i < w.Length; i++)
        {
            double gamma = q.Scales[i / per];
            Assert.True(Math.Abs(w[i] - r[i]) <= gamma / 2 * (1 + 1e-5), $"element {i}: |{w[i]} − {r[i]}| > γ/2 = {gamma / 2}");
        }
        var (qmin, qmax) = LinearQuantizer.Range(p, symmetric);
        Assert.All(q.Integers(), v => Assert.InRange(v, qmin, qmax));
        Assert.Equal(BitPacking.PackedLength(1600, q.Bits), q.Size.PayloadBytes);
    }

    [Fact]
    public void SymmetricInt8KeepsZeroExactAndKnownScale()
    {
        float[] w = [0f, 1.27f, -0.635f, 0.5f];
        var q = new LinearQuantizer(new LinearQuantizationOptions(LinearPrecision.Int8)).Quantize(w, [4]);
        Assert.Equal(0.01f, q.Scales[0], 6);
        Assert.Equal([0, 127, -64, 50], q.Integers());   // −63.5 rounds to even: −64
        Assert.Equal(0f, q.Reconstruct()[0]);
    }

    [Fact]
    public void TernaryAndBinaryUseTheirThreeAndTwoLevels()
    {
        var w = W(10, 100, 3);
        var t = new LinearQuantizer(new LinearQuantizationOptions(LinearPrecision.Ternary)).Quantize(w, [10, 100]).Reconstruct();
        Assert.InRange(t.Distinct().Count(), 2, 3);
        var b = new LinearQuantizer(new LinearQuantizationOptions(LinearPrecision.Binary)).Quantize(w, [10, 100]);
        var br = b.Reconstruct();
        Assert.Equal(2, br.Distinct().Count());
        for (int i = 0; i < w.Length; i++) Assert.Equal(w[i] >= 0, br[i] > 0);
        Assert.Equal(w.Select(Math.Abs).Average(), b.Scales[0], 5);
        Assert.Equal(125, b.Size.PayloadBytes);
        Assert.Throws<CondenseException>(() => new LinearQuantizer(new LinearQuantizationOptions(LinearPrecision.Binary) { Symmetric = false }));
    }

    [Fact]
    public void ClippingCalibrationHelpsASpikedTensor()
    {
        var w = WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.Spiked, 100, 100, 0.05, 5) { Spikes = 1, SpikeMagnitude = 100 });
        double Mse(RangeCalibration c) =>
            ErrorMetrics.SumSquaredError(w, new LinearQuantizer(new LinearQuantizationOptions(LinearPrecision.Int4) { Calibration = c }).Quantize(w, [100, 100]).Reconstruct());
        double minmax = Mse(RangeCalibration.MinMax), pct = Mse(RangeCalibration.Percentile), kl = Mse(RangeCalibration.KlDivergence);
        Assert.True(pct < minmax, $"percentile {pct} vs min–max {minmax}");
        Assert.True(kl < minmax, $"KL {kl} vs min–max {minmax}");
    }

    [Fact]
    public void HalfPrecisionCastsRoundToNearest()
    {
        float[] x = [1f, 1.0009765625f, 3.14159265f, 1e-8f, 70000f];
        var h = FloatCast.RoundTripFloat16(x);
        Assert.Equal(1.0009765625f, h[1]);
        Assert.Equal(3.140625f, h[2]);
        Assert.True(float.IsPositiveInfinity(h[4]));
        var b = FloatCast.RoundTripBFloat16(x);
        Assert.Equal(3.140625f, b[2]);
        Assert.Equal(70144f, b[4]);
        Assert.Equal(1f, b[1]);
    }

    [Fact]
    public void OutlierChannelSplittingKeepsTheOutputAndShrinksTheRange()
    {
        var w = WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.Spiked, 32, 64, 0.05, 9) { Spikes = 3, SpikeMagnitude = 30 });
        var x = WeightGenerator.StandardNormal(64 * 8, 1).Select(v => (float)v).ToArray();
        var ocs = OutlierChannelSplitting.Split(w, 32, 64, 4);
        Assert.Equal(68, ocs.Columns);
        var xs = ocs.ExpandInput(x, 8);
        float[] Mul(float[] m, int cols, float[] inp)
        {
            var y = new float[8 * 32];
            for (int b = 0; b < 8; b++) for (int r = 0; r < 32; r++)
            { double s = 0; for (int c = 0; c < cols; c++) s += m[r * cols + c] * inp[b * cols + c]; y[b * 32 + r] = (float)s; }
            return y;
        }
        var y0 = Mul(w, 64, x);
        var y1 = Mul(ocs.Weights, 68, xs);
        for (int i = 0; i < y0.Length; i++) Assert.Equal(y0[i], y1[i], 4);
        Assert.True(ocs.Weights.Max(Math.Abs) < w.Max(Math.Abs));
        // The quantized split layer computes closer to the original than the quantized original.
        var qz = new LinearQuantizer(new LinearQuantizationOptions(LinearPrecision.Int4));
        var e0 = Mul(qz.Quantize(w, [32, 64]).Reconstruct(), 64, x).Zip(y0, (a, b) => Math.Abs(a - b)).Sum();
        var e1 = Mul(qz.Quantize(ocs.Weights, [32, 68]).Reconstruct(), 68, xs).Zip(y0, (a, b) => Math.Abs(a - b)).Sum();
        Assert.True(e1 < e0, $"after OCS {e1} vs before {e0}");
    }
}
