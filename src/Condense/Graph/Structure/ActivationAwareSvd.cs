using Condense.LowRank;
using static TorchSharp.torch;

namespace Condense.Graph.Structure;

/// <summary>
/// A layer's K×N matrix M as A·B (K×r times r×N). Plain: the truncated SVD of M, best for the
/// weights. Whitened (SVD-LLM, Wang et al. 2024): with XᵀX = L·Lᵀ (Cholesky of the layer's input
/// second moment), truncate the SVD of Lᵀ·M and undo the whitening, A = L⁻ᵀ·U_r·Σ_r, B = V_rᵀ.
/// Since ‖X(M − AB)‖_F = ‖Lᵀ(M − AB)‖_F, the whitened cut is the best rank-r fit of the layer's
/// outputs on those inputs, not of its weights: directions the data never excites cost nothing.
/// </summary>
public static class ActivationAwareSvd
{
    /// <summary>The factors, row-major.</summary>
    /// <param name="m">M, K×N row-major.</param>
    /// <param name="k">K.</param>
    /// <param name="n">N.</param>
    /// <param name="rank">r, 1 ≤ r ≤ min(K, N).</param>
    /// <param name="gram">The layer's <see cref="InputGrams"/> matrix ((K+1)², last feature the constant) for whitening; null: plain SVD.</param>
    /// <param name="damping">Added to XᵀX's diagonal as a fraction of its mean (so the Cholesky exists when a feature never varies); 1e-4 by default.</param>
    public static (float[] A, float[] B) Factor(float[] m, int k, int n, int rank, double[]? gram, double damping = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (rank < 1 || rank > Math.Min(k, n)) throw new CondenseException($"rank {rank} must be in 1–{Math.Min(k, n)}");
        using var scope = NewDisposeScope();
        var w = tensor(m, [k, n]).to_type(ScalarType.Float64);
        if (gram is null)
        {
            using var plain = TruncatedSvd.Compute(w, rank);
            return (Floats(plain.Left), Floats(plain.Right));
        }
        if (gram.Length != (long)(k + 1) * (k + 1)) throw new CondenseException($"input statistics of {gram.Length} entries do not fit K = {k}");
        var g = tensor(gram, [k + 1, k + 1], ScalarType.Float64).narrow(0, 0, k).narrow(1, 0, k);
        var mean = Math.Max(g.diagonal().mean().item<double>(), 1e-12);
        var l = linalg.cholesky(g + damping * mean * eye(k, dtype: ScalarType.Float64));
        using var cut = TruncatedSvd.Compute(l.t().matmul(w), rank);
        var a = linalg.solve_triangular(l.t(), cut.Left.to_type(ScalarType.Float64), upper: true);
        return (Floats(a), Floats(cut.Right));
    }

    static float[] Floats(Tensor t) => t.to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
}
