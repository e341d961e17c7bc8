using TorchSharp;
using static TorchSharp.torch;

namespace Condense.LowRank;

/// <summary>
/// Measures an approximation's error directly, in float64, from W and the factors: an independent
/// check of the figures the algorithms report, and the only way to get the randomized SVD's spectral
/// error (it needs the largest singular value of W − W̃, i.e. one more SVD).
/// </summary>
public static class LowRankError
{
    /// <summary>The relative errors of <paramref name="approximation"/> against the original <paramref name="w"/> (Frobenius and spectral), computed from the difference, not from the discarded singular values, so it also checks the factors.</summary>
    public static RelativeErrors Measure(Tensor w, LowRankApproximation approximation)
    {
        ArgumentNullException.ThrowIfNull(approximation);
        using var scope = NewDisposeScope();
        var reconstructed = approximation.Left.to_type(ScalarType.Float64).mm(approximation.Right.to_type(ScalarType.Float64));
        return Measure(w, reconstructed);
    }

    /// <summary>Relative errors of any approximation <paramref name="approximation"/> of <paramref name="w"/> (same shape).</summary>
    public static RelativeErrors Measure(Tensor w, Tensor approximation)
    {
        ArgumentNullException.ThrowIfNull(approximation);
        using var scope = NewDisposeScope();
        var a = MatrixGuard.Require(w, "low-rank error").to_type(ScalarType.Float64);
        if (!approximation.shape.SequenceEqual(a.shape))
            throw new CondenseException($"low-rank error: approximation shape [{string.Join(", ", approximation.shape)}] differs from [{string.Join(", ", a.shape)}]");
        var d = a - approximation.to_type(ScalarType.Float64);
        var normA2 = linalg.svdvals(a)[0].item<double>();
        var normD2 = linalg.svdvals(d)[0].item<double>();
        var normAF = a.square().sum().sqrt().item<double>();
        var normDF = d.square().sum().sqrt().item<double>();
        return new RelativeErrors(normA2 > 0 ? normD2 / normA2 : 0, normAF > 0 ? normDF / normAF : 0);
    }
}
