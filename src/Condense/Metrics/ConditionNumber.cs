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
    public static double OneNorm(ReadOnlySpan<float> w, int rows, int columns)
    {
        MatrixNorms.CheckShape(w.Length, rows, columns);
        foreach (var v in w)
            if (!float.IsFinite(v)) throw new CondenseException("cond₁: the matrix contains NaN or ±Inf");
        using var scope = NewDisposeScope();
        var data = new double[w.Length];
        for (int i = 0; i < w.Length; i++) data[i] = w[i];
        var a = tensor(data, new long[] { rows, columns });
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
}
