using Condense.LowRank;
using FsCheck.Xunit;
using static TorchSharp.torch;

namespace Condense.Tests.Properties;

/// <summary>
/// Eckart–Young: the truncated SVD is the best rank-r approximation in both the spectral and the
/// Frobenius norm, so a randomized SVD of the same rank can only match it or do worse.
/// </summary>
public class LowRankProperties
{
    [Property(MaxTest = 40)]
    public void Randomized_svd_error_is_at_least_truncated_svd_error(int seed, int rowKnob, int colKnob, int rankKnob, byte powerIterations, byte oversamples)
    {
        using var scope = NewDisposeScope();
        int m = 2 + (int)((uint)rowKnob % 30), n = 2 + (int)((uint)colKnob % 30);
        int rank = 1 + (int)((uint)rankKnob % (uint)Math.Min(m, n));
        // A decaying spectrum (as trained layers have) plus noise, so rank r loses something.
        var rng = new Random(seed);
        var values = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                values[i * n + j] = (float)(Math.Sin(0.3 * (i + 1) * (j + 1) + seed % 7) / (1 + 0.2 * ((i + j) % 9)) + 0.1 * (rng.NextDouble() - 0.5));
        var w = tensor(values, [m, n]);
        using var exact = TruncatedSvd.Compute(w, rank);
        using var randomized = RandomizedSvd.Compute(w, rank, new RandomizedSvdOptions
        {
            PowerIterations = powerIterations % 3, Oversamples = oversamples % 6, Seed = seed,
        });
        var e = LowRankError.Measure(w, exact);
        var r = LowRankError.Measure(w, randomized);
        const double tolerance = 1e-5;   // float32 factors
        Assert.True(r.Frobenius >= e.Frobenius - tolerance, $"[{m}×{n}] rank {rank}: randomized Frobenius {r.Frobenius} < truncated {e.Frobenius}");
        Assert.True(r.Spectral >= e.Spectral - tolerance, $"[{m}×{n}] rank {rank}: randomized spectral {r.Spectral} < truncated {e.Spectral}");
    }
}
