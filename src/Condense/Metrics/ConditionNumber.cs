using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Metrics;

/// <summary>
/// cond₁(W) = ‖W‖₁·‖W⁺‖₁ (W⁺ the inverse, or the Moore–Penrose pseudo-inverse when W is not
/// square or is singular). It turns a small relative weight error into a bound on the relative
/// output error: ‖(W − Q)x‖₁/‖Wx‖₁ ≤ cond₁(W)·‖W − Q‖₁/‖W‖₁ whenever x = W⁺Wx (always for a
/// square invertible W, and for W of full column rank).
/// </summary>
/// <remarks>Computed in float64 with LibTorch: an LU inverse for square matrices (falling back to
/// the SVD-based pinv when LU reports a singular matrix), pinv otherwise. +∞ for a zero matrix.</remarks>
public static class ConditionNumber
{
    /// <summary>The induced 1-norm ‖W‖₁ (largest column absolute sum) of a row-major <paramref name="rows"/>×<paramref name="columns"/> matrix: the factor by which W can grow an input's 1-norm.</summary>
    public static double OneNorm(ReadOnlySpan<float> w, int rows, int columns)
    {
        MatrixNorms.CheckShape(w.Length, rows, columns);
        using var scope = NewDisposeScope();
        var a = Float64(w, rows, columns);
        double norm = a.abs().sum(dim: 0).max().item<double>();
        if (norm == 0) return double.PositiveInfinity;
        Tensor inverse;
        if (rows == columns)
        {
            var (inv, info) = linalg.inv_ex(a);
            inverse = info.item<int>() == 0 && inv.isfinite().all().item<bool>() ? inv : linalg.pinv(a);
        }
        else inverse = linalg.pinv(a);
        double inorm = inverse.abs().sum(dim: 0).max().item<double>();
        return norm * inorm;
    }

    /// <summary>
    /// cond₁(W) and W's singular values (descending, float64) from one SVD, for callers that report
    /// both (analysis: cond₁ and the effective rank): a pseudo-inverse is itself an SVD, so taking the
    /// singular values from it saves a second one. W⁺ = V diag(1/σ) Uᵀ over σ &gt; ε·max(rows, columns)·σ₁,
    /// LibTorch's own cut-off for <c>linalg.pinv</c>; a square W keeps <see cref="OneNorm"/>'s LU inverse.
    /// </summary>
    public static (double Cond1, double[] SingularValues) OneNormAndSingularValues(ReadOnlySpan<float> w, int rows, int columns)
    {
        MatrixNorms.CheckShape(w.Length, rows, columns);
        if (rows == columns) return (OneNorm(w, rows, columns), EffectiveRank.SingularValues(w, rows, columns));
        using var scope = NewDisposeScope();
        var a = Float64(w, rows, columns);
        var (u, sigma, vh) = linalg.svd(a, fullMatrices: false);
        var singular = sigma.data<double>().ToArray();
        double norm = a.abs().sum(dim: 0).max().item<double>();
        if (norm == 0) return (double.PositiveInfinity, singular);
        var cutoff = singular.Length > 0 ? singular[0] * Math.Max(rows, columns) * DoubleEpsilon : 0;
        var reciprocal = tensor(singular.Select(s => s > cutoff ? 1 / s : 0).ToArray());
        var inverse = (vh.t() * reciprocal.unsqueeze(0)).mm(u.t());
        double inorm = inverse.abs().sum(dim: 0).max().item<double>();
        return (norm * inorm, singular);
    }

    /// <summary>W as a float64 tensor in the caller's dispose scope; NaN or ±Inf refused (no bound means anything then).</summary>
    static Tensor Float64(ReadOnlySpan<float> w, int rows, int columns)
    {
        var data = new double[w.Length];
        for (int i = 0; i < w.Length; i++)
            data[i] = float.IsFinite(w[i]) ? w[i] : throw new CondenseException("cond₁: the matrix contains NaN or ±Inf");
        return tensor(data, new long[] { rows, columns });
    }

    // The float64 machine epsilon (2⁻⁵²), as LibTorch's pinv uses for its default relative tolerance.
    const double DoubleEpsilon = 2.220446049250313e-16;
}
