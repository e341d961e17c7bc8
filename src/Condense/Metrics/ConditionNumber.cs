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
        if (FromGram(a, rows, columns) is { } fromGram) return fromGram;
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

    /// <summary>Smallest σ/σ₁ for which <see cref="FromGram"/> is used: its σ are then within about ε·(σ₁/σ)²/2 ≈ 6·10⁻⁹ relative of the SVD's.</summary>
    internal const double GramRatio = 1e-4;

    /// <summary>
    /// cond₁ and the singular values from the Gram matrix of W's shorter side, G = WWᵀ (or WᵀW) = U diag(σ²) Uᵀ,
    /// by one symmetric eigen-decomposition of the small side: σ = √λ, and with every σ kept,
    /// W⁺ = Wᵀ G⁻¹ (or G⁻¹ Wᵀ) — all of it matrix products (2·m²·n multiply-adds for m ≤ n) where the SVD
    /// spends half its time in matrix–vector bidiagonalisation. Squaring W squares its condition: a σ
    /// computed this way is off by about ε·(σ₁/σ)²/2 relative, so null (the caller takes the SVD) when
    /// σ_min &lt; <see cref="GramRatio"/>·σ₁ — far above pinv's own cut-off (ε·max(rows, columns)·σ₁), so no
    /// singular value the SVD keeps is dropped here or the other way round.
    /// </summary>
    internal static (double Cond1, double[] SingularValues)? FromGram(Tensor a, int rows, int columns)
    {
        using var scope = NewDisposeScope();
        bool wide = rows <= columns;
        var gram = wide ? a.mm(a.t()) : a.t().mm(a);
        var (lambda, vectors) = linalg.eigh(gram);
        var eigen = lambda.data<double>().ToArray(); // ascending
        if (eigen.Length == 0 || !(eigen[^1] > 0) || !(eigen[0] >= GramRatio * GramRatio * eigen[^1])) return null;
        var singular = eigen.Reverse().Select(Math.Sqrt).ToArray();
        var inverseGram = (vectors * lambda.reciprocal().unsqueeze(0)).mm(vectors.t());
        var inverse = wide ? a.t().mm(inverseGram) : inverseGram.mm(a.t());
        double norm = a.abs().sum(dim: 0).max().item<double>();
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
