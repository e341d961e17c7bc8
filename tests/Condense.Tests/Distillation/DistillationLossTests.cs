using Condense.Distillation;
using static TorchSharp.torch;

namespace Condense.Tests.Distillation;

public class DistillationLossTests
{
    [Fact]
    public void AtTemperatureOneAndAlphaZeroItIsPlainCrossEntropy()
    {
        manual_seed(5);
        using var logits = randn(16, 10);
        using var teacher = randn(16, 10);
        using var labels = randint(0, 10, [16]);
        using var student = nn.functional.log_softmax(logits, 1);
        using var loss = DistillationLoss.Compute(student, teacher, labels, new DistillationOptions { Temperature = 1, Alpha = 0 });
        using var expected = nn.functional.cross_entropy(logits, labels);
        Assert.Equal(expected.item<float>(), loss.item<float>(), 5);
        // And by hand: mean over rows of −log softmax(z)[y].
        var z = logits.data<float>().ToArray();
        var y = labels.data<long>().ToArray();
        double sum = 0;
        for (var i = 0; i < 16; i++)
        {
            var row = z.AsSpan(i * 10, 10).ToArray();
            var max = row.Max();
            var logZ = max + Math.Log(row.Sum(v => Math.Exp(v - max)));
            sum += logZ - row[y[i]];
        }
        Assert.Equal(sum / 16, loss.item<float>(), 4);
    }

    [Fact]
    public void SoftLossIsTSquaredTimesTheKlOfSoftenedDistributions()
    {
        // Two classes, one row: teacher logits (2, 0), student logits (0, 0), T = 2.
        using var student = tensor(new float[] { 0, 0 }, [1, 2]);
        using var teacher = tensor(new float[] { 2, 0 }, [1, 2]);
        using var labels = tensor(new long[] { 0 }, [1]);
        using var loss = DistillationLoss.Compute(student, teacher, labels, new DistillationOptions { Temperature = 2, Alpha = 1 });
        var p = 1 / (1 + Math.Exp(-1)); // softmax((2, 0) / 2)[0]
        var kl = p * Math.Log(p / 0.5) + (1 - p) * Math.Log((1 - p) / 0.5);
        Assert.Equal(4 * kl, loss.item<float>(), 5);
    }

    [Fact]
    public void AStudentEqualToItsTeacherHasNoSoftLossAndGradientsOnlyReachTheStudent()
    {
        manual_seed(1);
        using var logits = randn(8, 10).requires_grad_();
        using var teacher = randn(8, 10).requires_grad_();
        using var labels = randint(0, 10, [8]);
        using (var same = DistillationLoss.Compute(teacher.detach(), teacher.detach(), labels, new DistillationOptions { Temperature = 3, Alpha = 1 }))
            Assert.Equal(0, same.item<float>(), 6);
        using var loss = DistillationLoss.Compute(logits, teacher, labels, new DistillationOptions());
        loss.backward();
        Assert.NotNull(logits.grad);
        Assert.Null(teacher.grad);
    }

    [Fact]
    public void LogProbabilitiesAndLogitsGiveTheSameLoss()
    {
        // The classifiers output log_softmax(z); the loss must not depend on whether it gets z or
        // log_softmax(z) (softmax is applied once per temperature, not twice).
        manual_seed(2);
        using var zs = randn(12, 10) * 3;
        using var zt = randn(12, 10) * 5;
        using var labels = randint(0, 10, [12]);
        foreach (var (t, a) in new[] { (1.0, 0.5), (4.0, 0.9), (8.0, 1.0) })
        {
            var options = new DistillationOptions { Temperature = t, Alpha = a };
            using var fromLogits = DistillationLoss.Compute(zs, zt, labels, options);
            using var ls = nn.functional.log_softmax(zs, 1);
            using var lt = nn.functional.log_softmax(zt, 1);
            using var fromLogProbabilities = DistillationLoss.Compute(ls, lt, labels, options);
            Assert.Equal(fromLogits.item<float>(), fromLogProbabilities.item<float>(), 4);
            // And against a float64 hand computation of α·T²·KL(p_t ‖ p_s) + (1 − α)·CE.
            var s = zs.data<float>().ToArray();
            var u = zt.data<float>().ToArray();
            var y = labels.data<long>().ToArray();
            double total = 0;
            for (var i = 0; i < 12; i++)
            {
                var ps = Softmax(s.AsSpan(i * 10, 10), t);
                var pt = Softmax(u.AsSpan(i * 10, 10), t);
                var kl = 0.0;
                for (var k = 0; k < 10; k++) kl += pt[k] * Math.Log(pt[k] / ps[k]);
                total += a * t * t * kl - (1 - a) * Math.Log(Softmax(s.AsSpan(i * 10, 10), 1)[y[i]]);
            }
            Assert.Equal(total / 12, fromLogits.item<float>(), 3);
        }
    }

    static double[] Softmax(ReadOnlySpan<float> z, double t)
    {
        var max = double.MinValue;
        foreach (var v in z) max = Math.Max(max, v / t);
        var e = new double[z.Length];
        for (var k = 0; k < z.Length; k++) e[k] = Math.Exp(z[k] / t - max);
        var sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    public void TemperatureAtMostZeroIsAOneLineError(double t)
    {
        var message = $"temperature must be greater than 0 and at most 1000, got {t.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        Assert.Equal(message, Assert.Throws<CondenseException>(() => new DistillationOptions { Temperature = t }).Message);
        var (code, _, err) = CliHarness.Run("distill", "--teacher", "no-such-teacher.safetensors", "--temperature", t.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, code);
        Assert.StartsWith($"condense: error: {message}", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(9)]
    public void ShiftOutsideZeroToEightIsRefused(int shift) =>
        Assert.Equal($"shift must be 0–8 pixels, got {shift}", Assert.Throws<CondenseException>(() => new Condense.Models.TrainingOptions { Shift = shift }).Message);

    [Theory]
    [InlineData("784-100-10", 3, null)]
    [InlineData("hashed:784-1000-1000-10@64", 4, 64.0)]
    public void StudentSpecsParse(string text, int layers, double? factor)
    {
        var spec = StudentSpec.Parse(text);
        Assert.Equal(layers, spec.Sizes.Count);
        Assert.Equal(factor, spec.HashFactor);
        Assert.Equal(text, spec.ToString());
    }

    [Theory]
    [InlineData("784-x-10")]
    [InlineData("784")]
    [InlineData("hashed:784-10@1")]
    public void BadStudentSpecsAreRefused(string text) =>
        Assert.Throws<CondenseException>(() => StudentSpec.Parse(text));
}
