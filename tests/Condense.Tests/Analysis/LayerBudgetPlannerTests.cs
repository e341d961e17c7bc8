using Condense.Analysis;
using Xunit;

namespace Condense.Tests.Analysis;

public class LayerBudgetPlannerTests
{
    static (double[][] Errors, long[][] Bytes, bool[][] Allowed) Random(int layers, int settings, int seed)
    {
        var rng = new Random(seed);
        var errors = new double[layers][];
        var bytes = new long[layers][];
        for (int l = 0; l < layers; l++)
        {
            // Setting 0 is float32: most bytes, no error; the rest trade bytes for error at random.
            errors[l] = [0, .. Enumerable.Range(1, settings - 1).Select(_ => rng.NextDouble())];
            bytes[l] = [1000, .. Enumerable.Range(1, settings - 1).Select(_ => (long)rng.Next(50, 900))];
        }
        return (errors, bytes, [.. Enumerable.Range(0, layers).Select(_ => Enumerable.Repeat(true, settings).ToArray())]);
    }

    static IEnumerable<int[]> All(int layers, int settings)
    {
        var c = new int[layers];
        while (true)
        {
            yield return (int[])c.Clone();
            int i = 0;
            while (i < layers && ++c[i] == settings) c[i++] = 0;
            if (i == layers) yield break;
        }
    }

    [Fact]
    public void WithinBytes_MeetsTheBudgetAndComesCloseToTheExhaustiveOptimum()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var (errors, bytes, allowed) = Random(4, 4, seed);
            foreach (var budget in new long[] { 800, 1500, 2500, 3500 })
            {
                var choice = LayerBudgetPlanner.WithinBytes(errors, bytes, allowed, budget);
                var best = All(4, 4).Where(c => LayerBudgetPlanner.Bytes(bytes, c) <= budget).Select(c => LayerBudgetPlanner.Predicted(errors, c)).DefaultIfEmpty(double.NaN).Min();
                if (double.IsNaN(best)) { Assert.Null(choice); continue; }
                Assert.NotNull(choice);
                Assert.True(LayerBudgetPlanner.Bytes(bytes, choice) <= budget);
                // Budgets this small are one unit per byte: the dynamic programme is exact.
                var got = LayerBudgetPlanner.Predicted(errors, choice);
                Assert.True(got <= best * (1 + 1e-9) + 1e-12, $"seed {seed}, budget {budget}: {got} against the optimum {best}");
            }
        }
    }

    [Fact]
    public void WithinBytes_RefusesABudgetBelowTheSmallestChoice()
    {
        var (errors, bytes, allowed) = Random(3, 3, 1);
        var smallest = bytes.Sum(b => b.Min());
        Assert.Null(LayerBudgetPlanner.WithinBytes(errors, bytes, allowed, smallest - 1));
        Assert.NotNull(LayerBudgetPlanner.WithinBytes(errors, bytes, allowed, smallest));
    }

    [Fact]
    public void WithinError_MeetsThePredictedErrorAndHonoursWhatIsNotAllowed()
    {
        var (errors, bytes, allowed) = Random(5, 4, 3);
        allowed[2] = [true, false, false, false];
        var choice = LayerBudgetPlanner.WithinError(errors, bytes, allowed, 0.3);
        Assert.True(LayerBudgetPlanner.Predicted(errors, choice) <= 0.3);
        Assert.Equal(0, choice[2]);
        Assert.True(LayerBudgetPlanner.Bytes(bytes, choice) < 5000);
    }

    [Theory]
    [InlineData("g4", false, 4, 0, true)]
    [InlineData("g3b32-rtn", false, 3, 32, false)]
    [InlineData("k2", true, 2, 0, true)]
    public void Setting_Parses(string text, bool codebook, int bits, int block, bool gptq)
    {
        var s = QuantizationSetting.Parse(text);
        Assert.Equal((codebook, bits, block, gptq, false), (s.Codebook, s.Bits, s.BlockSize, s.Gptq, s.Keep));
    }

    [Theory]
    [InlineData("g1")]
    [InlineData("k9")]
    [InlineData("x4")]
    [InlineData("k4b32")]
    public void Setting_RefusesNonsense(string text) => Assert.Throws<CondenseException>(() => QuantizationSetting.Parse(text));
}
