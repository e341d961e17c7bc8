using Condense.Pruning;
using Condense.Quantization.Gptq;

namespace Condense.Tests.Pruning;

public sealed class SparseGptTests
{
    static float[] Gaussian(Random rng, int n, double scale = 1) => CorrelatedSamples.Gaussian(rng, n, scale);

    static float[] CorrelatedInputs(Random rng, int samples, int columns) => CorrelatedSamples.Inputs(rng, samples, columns, 6, 0.3, unequalEnergy: true);

    /// <summary>‖(W − Ŵ)Xᵀ‖² computed directly from the samples (independent of H and the solver).</summary>
    static double OutputError(float[] w, float[] q, float[] x, int rows, int columns, int samples)
    {
        double total = 0;
        for (int s = 0; s < samples; s++)
            for (int r = 0; r < rows; r++)
            {
                double e = 0;
                for (int c = 0; c < columns; c++) e += ((double)w[r * columns + c] - q[r * columns + c]) * x[s * columns + c];
                total += e * e;
            }
        return total;
    }

    [Fact]
    public void On_correlated_inputs_the_output_error_is_below_magnitude_pruning_at_exactly_half_zeros()
    {
        const int rows = 12, columns = 300, samples = 800; // three blocks of 128, 128 and 44 columns
        var rng = new Random(5);
        var w = Gaussian(rng, rows * columns);
        var x = CorrelatedInputs(rng, samples, columns);
        using var h = new HessianAccumulator(columns);
        h.Add(x, samples);
        using var factor = GptqFactor.Of(h, new GptqOptions());

        var sparse = SparseGpt.Prune(w, rows, columns, factor, 0.5);
        var magnitude = SparseGpt.Magnitude(w, 0.5);
        Assert.Equal(rows * columns / 2, sparse.Count(v => v == 0));
        Assert.Equal(rows * columns / 2, magnitude.Count(v => v == 0));
        // Every block of 128 columns is pruned to exactly half.
        for (int b = 0; b < columns; b += 128)
        {
            var width = Math.Min(128, columns - b);
            var zeros = Enumerable.Range(0, rows).Sum(r => Enumerable.Range(b, width).Count(c => sparse[r * columns + c] == 0));
            Assert.Equal(rows * width / 2, zeros);
        }
        var e = OutputError(w, sparse, x, rows, columns, samples);
        var m = OutputError(w, magnitude, x, rows, columns, samples);
        Assert.True(e < 0.5 * m, $"SparseGPT {e:G4} vs magnitude {m:G4}");
    }

    [Fact]
    public void With_identity_statistics_it_is_magnitude_pruning()
    {
        const int rows = 10, columns = 100; // one block: the block's mask is the layer's
        var w = Gaussian(new Random(9), rows * columns);
        var identity = new double[columns * columns];
        for (int i = 0; i < columns; i++) identity[i * columns + i] = 1;
        using var factor = GptqFactor.Of(identity, columns, new GptqOptions());
        Assert.Equal(SparseGpt.Magnitude(w, 0.5), SparseGpt.Prune(w, rows, columns, factor, 0.5));
    }

    [Fact]
    public void Columns_without_input_are_zeroed_and_bad_arguments_are_refused()
    {
        const int rows = 4, columns = 8;
        var w = Gaussian(new Random(2), rows * columns);
        var h = new double[columns * columns];
        for (int i = 1; i < columns; i++) h[i * columns + i] = 1 + i; // column 0 never sees input
        using var factor = GptqFactor.Of(h, columns, new GptqOptions());
        var q = SparseGpt.Prune(w, rows, columns, factor, 0.25);
        Assert.All(Enumerable.Range(0, rows), r => Assert.Equal(0f, q[r * columns]));
        Assert.Equal(rows * columns / 4, q.Count(v => v == 0));
        Assert.Throws<CondenseException>(() => SparseGpt.Prune(w, rows, columns, factor, 1.0));
        Assert.Throws<CondenseException>(() => SparseGpt.Prune(w, rows, columns + 1, factor, 0.5));
        using var ordered = GptqFactor.Of(h, columns, new GptqOptions(ActOrder: true));
        Assert.Throws<CondenseException>(() => SparseGpt.Prune(w, rows, columns, ordered, 0.5));
    }
}
