using TorchSharp;
using static TorchSharp.torch;

namespace Condense.LowRank;

/// <summary>
/// The thin SVD W = U·diag(σ)·Vᵀ of a matrix, kept so that many ranks can be cut from one
/// decomposition (a rank sweep costs one SVD, not one per rank). Made by <see cref="TruncatedSvd.Decompose"/>.
/// Owns its tensors (dispose it).
/// </summary>
public sealed class SingularValueDecomposition : IDisposable
{
    readonly Tensor u;   // m×k, float64
    readonly Tensor vh;  // k×n, float64
    readonly double[] s;
    readonly ScalarType dtype;

    internal SingularValueDecomposition(Tensor u, double[] s, Tensor vh, ScalarType dtype)
    {
        this.u = u;
        this.s = s;
        this.vh = vh;
        this.dtype = dtype;
        foreach (var x in s) TotalSquared += x * x;
    }

    /// <summary>All min(m, n) singular values, descending.</summary>
    public IReadOnlyList<double> SingularValues => s;

    /// <summary>‖W‖_F² = Σσ_i².</summary>
    public double TotalSquared { get; }

    /// <summary>Rows m of the decomposed matrix.</summary>
    public long Rows => u.shape[0];

    /// <summary>Columns n of the decomposed matrix.</summary>
    public long Columns => vh.shape[1];

    /// <summary>The rank a selection picks on this spectrum.</summary>
    public int ChooseRank(RankSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        if (selection.Rule == RankRule.Fixed)
            MatrixGuard.RequireRank((int)selection.Value, Rows, Columns, "truncated SVD");
        return selection.Choose(s);
    }

    /// <summary>The best rank-r approximation (Eckart–Young–Mirsky) for the rank the selection picks.</summary>
    public LowRankApproximation Truncate(RankSelection selection)
    {
        int r = ChooseRank(selection);
        using var scope = NewDisposeScope();
        var left = (u[.., ..r] * tensor(s.AsSpan(0, r).ToArray(), ScalarType.Float64)).to_type(dtype);
        var right = vh[..r].to_type(dtype).contiguous();
        return new LowRankApproximation(left.contiguous().DetachFromDisposeScope(), right.DetachFromDisposeScope(),
            s[..r], s, TotalSquared, ErrorsAt(r).Spectral, "truncated");
    }

    /// <summary>
    /// The exact relative errors of the rank-r truncation read off the spectrum, with no factors
    /// made: σ_{r+1}/σ_1, and the Frobenius error as <see cref="LowRankApproximation"/> gives it
    /// from the energy kept. (0 ≤ r ≤ min(m, n).)
    /// </summary>
    public RelativeErrors ErrorsAt(int r)
    {
        double kept = 0;
        for (var i = 0; i < r; i++) kept += s[i] * s[i];
        double spectral = s[0] > 0 ? (r < s.Length ? s[r] : 0) / s[0] : 0;
        return new RelativeErrors(spectral, LowRankApproximation.FrobeniusFromEnergy(kept, TotalSquared));
    }

    /// <summary>Frees U, S and Vᴴ (LibTorch memory).</summary>
    public void Dispose()
    {
        u.Dispose();
        vh.Dispose();
    }
}
