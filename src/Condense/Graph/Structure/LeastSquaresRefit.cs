using static TorchSharp.torch;

namespace Condense.Graph.Structure;

/// <summary>
/// Refits a layer after some of its input features were removed (He et al., ICCV 2017; ThiNet,
/// Luo et al., ICCV 2017): the kept rows W' and a bias change δ minimise
/// ‖[X_F, 1]·[W'; δ] − X·M‖² + λ‖W' − M_F‖² over the calibration rows, i.e.
/// (G_FF + λI)·[W'; δ] = G_F·M + λ[M_F; 0], with G the layer's <see cref="InputGrams"/>. The
/// ridge pulls toward the original kept weights, not toward zero, so a refit from fewer rows than
/// features (a 3×3 conv over 384 channels has 3456) stays close to the layer it replaces.
/// </summary>
public static class LeastSquaresRefit
{
    /// <summary>The refitted k×N kept rows and the N-vector added to the bias.</summary>
    /// <param name="gram">G, (K+1)² row-major, the last feature the constant 1.</param>
    /// <param name="m">M, K×N row-major.</param>
    /// <param name="k">K.</param>
    /// <param name="n">N.</param>
    /// <param name="kept">Indices of the kept features, ascending.</param>
    /// <param name="ridge">λ as a fraction of the mean diagonal of G_FF; 1e-2 by default (one percent).</param>
    public static (float[] Weights, float[] BiasDelta) Solve(double[] gram, float[] m, int k, int n, int[] kept, double ridge = 1e-2)
    {
        ArgumentNullException.ThrowIfNull(gram);
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(kept);
        if (gram.Length != (long)(k + 1) * (k + 1) || m.Length != (long)k * n)
            throw new CondenseException($"refit sizes do not match: G has {gram.Length} entries, M {m.Length}, K={k}, N={n}");
        if (ridge < 0 || !double.IsFinite(ridge)) throw new CondenseException($"ridge {ridge} must be ≥ 0");
        using var scope = NewDisposeScope();
        var g = tensor(gram, [k + 1, k + 1], ScalarType.Float64);
        var w = tensor(m, [k, n]).to_type(ScalarType.Float64);
        var features = tensor(kept.Select(i => (long)i).Append(k).ToArray());
        var gff = g.index_select(0, features).index_select(1, features);
        var gfa = g.index_select(0, features).narrow(1, 0, k);
        var diag = gff.diagonal().narrow(0, 0, kept.Length);
        var lambda = ridge * Math.Max(diag.mean().item<double>(), 1e-12);
        var prior = cat([w.index_select(0, features.narrow(0, 0, kept.Length)), zeros(new long[] { 1, n }, dtype: ScalarType.Float64)], 0);
        var rhs = gfa.matmul(w) + lambda * prior;
        var solved = linalg.solve(gff + lambda * eye(kept.Length + 1, dtype: ScalarType.Float64), rhs).to_type(ScalarType.Float32);
        var weights = solved.narrow(0, 0, kept.Length).contiguous().data<float>().ToArray();
        var delta = solved.narrow(0, kept.Length, 1).contiguous().data<float>().ToArray();
        return (weights, delta);
    }

    /// <summary>
    /// tr((X·Δ)ᵀ(X·Δ)) = tr(Δᵀ G Δ) for a K×N change Δ: the squared output error a change of the
    /// weights causes on the rows G summarises (the constant feature excluded).
    /// </summary>
    public static double OutputEnergy(double[] gram, int k, float[] delta, int n)
    {
        using var scope = NewDisposeScope();
        var g = tensor(gram, [k + 1, k + 1], ScalarType.Float64).narrow(0, 0, k).narrow(1, 0, k);
        var d = tensor(delta, [k, n]).to_type(ScalarType.Float64);
        return (d * g.matmul(d)).sum().item<double>();
    }
}
