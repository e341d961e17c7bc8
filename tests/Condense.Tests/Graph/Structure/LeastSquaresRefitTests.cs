using Condense.Graph.Structure;

namespace Condense.Tests.Graph.Structure;

public sealed class LeastSquaresRefitTests
{
    const int K = 64, N = 8;

    /// <summary>G = [X, 1]ᵀ[X, 1] of <paramref name="rows"/> rows of X (row-major, K columns).</summary>
    static double[] Gram(float[] x, int rows)
    {
        var g = new double[(K + 1) * (K + 1)];
        var row = new double[K + 1];
        for (int s = 0; s < rows; s++)
        {
            for (int i = 0; i < K; i++) row[i] = x[s * K + i];
            row[K] = 1;
            for (int i = 0; i <= K; i++)
                for (int j = 0; j <= K; j++) g[i * (K + 1) + j] += row[i] * row[j];
        }
        return g;
    }

    /// <summary>‖X_F·W' + δ − X·M‖² / ‖X·M‖² over the rows of <paramref name="x"/>: the refit's error on rows it never saw.</summary>
    static double HeldOutError(float[] x, int rows, float[] m, int[] kept, float[] w, float[] delta)
    {
        double err = 0, energy = 0;
        for (int s = 0; s < rows; s++)
            for (int o = 0; o < N; o++)
            {
                double target = 0, fit = delta[o];
                for (int i = 0; i < K; i++) target += x[s * K + i] * m[i * N + o];
                for (int f = 0; f < kept.Length; f++) fit += x[s * K + kept[f]] * w[f * N + o];
                err += (fit - target) * (fit - target);
                energy += target * target;
            }
        return err / energy;
    }

    [Fact]
    public void With_fewer_rows_than_features_the_ridge_beats_plain_least_squares_on_held_out_rows()
    {
        // 40 calibration rows for 48 kept features + bias (as ResNet18's stage 4: 2,352 rows for 4,608
        // features): plain least squares interpolates the calibration rows, the part of the removed
        // features the kept ones cannot explain included, and misses on fresh rows; the ridge
        // toward the original kept weights does not.
        var rng = new Random(21);
        const int calibration = 40, heldOut = 2000;
        var x = CorrelatedSamples.Inputs(rng, calibration + heldOut, K, factors: 12, noise: 0.5);
        var m = CorrelatedSamples.Gaussian(rng, K * N);
        int[] kept = [.. Enumerable.Range(0, K).Where(i => i % 4 != 0)];
        var g = Gram(x, calibration);
        var fresh = x[(calibration * K)..];

        var (plainW, plainDelta) = LeastSquaresRefit.Solve(g, m, K, N, kept, ridge: 1e-9);
        var (ridgeW, ridgeDelta) = LeastSquaresRefit.Solve(g, m, K, N, kept);
        var mKept = kept.SelectMany(i => m.AsSpan(i * N, N).ToArray()).ToArray();
        double plain = HeldOutError(fresh, heldOut, m, kept, plainW, plainDelta);
        double ridge = HeldOutError(fresh, heldOut, m, kept, ridgeW, ridgeDelta);
        double none = HeldOutError(fresh, heldOut, m, kept, mKept, new float[N]);

        Assert.True(ridge < 0.8 * plain, $"ridge {ridge:F4} vs plain least squares {plain:F4}");
        Assert.True(ridge < none, $"ridge {ridge:F4} vs no refit {none:F4}");
        // On the calibration rows themselves plain least squares looks better: the overfit.
        Assert.True(HeldOutError(x, calibration, m, kept, plainW, plainDelta) < HeldOutError(x, calibration, m, kept, ridgeW, ridgeDelta));
    }

    [Fact]
    public void A_huge_ridge_returns_the_original_kept_weights()
    {
        var rng = new Random(5);
        var x = CorrelatedSamples.Inputs(rng, 30, K, factors: 6, noise: 0.3);
        var m = CorrelatedSamples.Gaussian(rng, K * N);
        int[] kept = [.. Enumerable.Range(0, K).Where(i => i % 2 == 0)];
        var (w, delta) = LeastSquaresRefit.Solve(Gram(x, 30), m, K, N, kept, ridge: 1e7);
        for (int f = 0; f < kept.Length; f++)
            for (int o = 0; o < N; o++) Assert.Equal(m[kept[f] * N + o], w[f * N + o], 2);
        Assert.All(delta, d => Assert.Equal(0, d, 2));
    }
}
