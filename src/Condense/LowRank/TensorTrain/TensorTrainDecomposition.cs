using static TorchSharp.torch;

namespace Condense.LowRank.TensorTrain;

/// <summary>
/// TT-SVD (Oseledets, "Tensor-Train Decomposition", SIAM J. Sci. Comput. 2011, Alg. 1) of a weight
/// matrix seen as the d-way tensor of mode pairs (mₖ·nₖ): d − 1 sequential truncated SVDs, each
/// keeping the shape's rank. A matrix whose TT-ranks are at most those ranks is reproduced exactly
/// (up to rounding); otherwise each step is the best rank-rₖ approximation of its unfolding, and
/// the total error is at most √(Σ of the discarded squared singular values). Used to start a TT
/// layer from a trained dense one before fine-tuning.
/// </summary>
public static class TensorTrainDecomposition
{
    /// <summary>The d cores (float32, r_{k−1} × mₖ × nₖ × rₖ) of <paramref name="weight"/> (out × in). The caller owns them.</summary>
    public static Tensor[] Decompose(Tensor weight, TensorTrainShape shape)
    {
        if (weight.dim() != 2 || weight.shape[0] != shape.OutFeatures || weight.shape[1] != shape.InFeatures)
            throw new CondenseException($"tensor train: weight [{string.Join(", ", weight.shape)}] is not {shape.OutFeatures}×{shape.InFeatures}");
        using var scope = NewDisposeScope();
        var d = shape.Order;
        // (m₁…m_d, n₁…n_d) → (m₁, n₁, m₂, n₂, …): pair each out mode with its in mode.
        var dims = shape.OutModes.Concat(shape.InModes).Select(v => (long)v).ToArray();
        var order = new long[2 * d];
        for (var k = 0; k < d; k++) { order[2 * k] = k; order[2 * k + 1] = d + k; }
        var c = weight.detach().to_type(ScalarType.Float64).reshape(dims).permute(order).contiguous();
        var cores = new Tensor[d];
        var rank = 1L;
        for (var k = 0; k < d - 1; k++)
        {
            var pair = (long)shape.OutModes[k] * shape.InModes[k];
            var unfolding = c.reshape(rank * pair, -1);
            var (u, s, vh) = linalg.svd(unfolding, fullMatrices: false);
            var r = Math.Min(shape.Ranks[k + 1], s.shape[0]);
            var core = u.narrow(1, 0, r);
            if (r < shape.Ranks[k + 1])
                core = cat([core, zeros(core.shape[0], shape.Ranks[k + 1] - r, dtype: ScalarType.Float64)], 1);
            cores[k] = core.reshape(shape.CoreShape(k)).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
            var rest = s.narrow(0, 0, r).unsqueeze(1) * vh.narrow(0, 0, r);
            if (r < shape.Ranks[k + 1])
                rest = cat([rest, zeros(shape.Ranks[k + 1] - r, rest.shape[1], dtype: ScalarType.Float64)], 0);
            c = rest;
            rank = shape.Ranks[k + 1];
        }
        cores[d - 1] = c.reshape(shape.CoreShape(d - 1)).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
        return cores;
    }
}
