using Condense.Quantization.Gptq;
using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// SparseGPT (Frantar &amp; Alistarh, ICML 2023): prunes W (rows × columns, one row per output, one
/// column per input feature) to a share of zeros so that the layer's output on the calibration
/// inputs, ‖(W − Ŵ)X‖², not the weights, stays close. It is GPTQ's loop with "round" replaced by
/// "keep or zero": columns are visited in blocks of B; at the start of a block the mask is chosen
/// over the whole block by the OBS saliency w²/[U]_jj² (U the upper Cholesky factor of H⁻¹, so
/// [U]_jj² is the reciprocal of the column's conditional input energy); then column by column
/// each pruned weight's error is spread over the columns not yet visited by the rows of U
/// (the Optimal Brain Surgeon update), lazily per block as in <see cref="GptqSolver"/>.
/// </summary>
/// <remarks>
/// Magnitude pruning is the special case H ∝ I: U is then diagonal with a constant diagonal, so the
/// saliency is w² and no update reaches other columns. Columns that never see input are zeroed
/// first (they cannot change the output), and count among the zeros. The mask holds
/// ⌊s·rows·count⌋ zeros in each block, so a layer whose block sizes make that exact is pruned to
/// exactly the share s. Arithmetic in float64; U is factorised once per layer in float32
/// (<see cref="GptqFactor"/>, act-order off: the blocks are contiguous columns).
/// </remarks>
public static class SparseGpt
{
    /// <summary>Prunes <paramref name="weights"/> to <paramref name="sparsity"/> against the factorised input statistics.</summary>
    /// <param name="weights">W, rows × columns, row-major (not modified).</param>
    /// <param name="rows">Outputs.</param>
    /// <param name="columns">Input features.</param>
    /// <param name="factor">H = Σ x xᵀ of the layer's inputs, factorised (<see cref="GptqFactor.Of(HessianAccumulator, GptqOptions)"/>, act-order off).</param>
    /// <param name="sparsity">Share of weights set to zero, in [0, 1).</param>
    /// <param name="blockSize">Columns per mask block (B = 128 in the paper); defaults to the factor's lazy block size.</param>
    /// <returns>Ŵ, row-major, with the zeros in place and the surviving weights updated.</returns>
    public static float[] Prune(ReadOnlySpan<float> weights, int rows, int columns, GptqFactor factor, double sparsity, int? blockSize = null)
    {
        ArgumentNullException.ThrowIfNull(factor);
        if (factor.Columns != columns) throw new CondenseException($"a Hessian of {factor.Columns} features does not fit {columns} columns");
        if (rows <= 0 || columns <= 0 || weights.Length != (long)rows * columns)
            throw new CondenseException($"{weights.Length} weights are not a {rows}×{columns} matrix");
        if (!(sparsity >= 0 && sparsity < 1)) throw new CondenseException($"sparsity {sparsity} must be in [0, 1)");
        if (factor.Options.ActOrder) throw new CondenseException("SparseGPT visits columns in their own order: factorise H without act-order");
        var batch = blockSize ?? factor.Options.BlockSize;
        if (batch < 1) throw new CondenseException($"block size must be ≥ 1, not {batch}");
        using var scope = NewDisposeScope();

        var w = new double[weights.Length];
        for (int i = 0; i < w.Length; i++) w[i] = weights[i];
        for (int j = 0; j < columns; j++)
            if (factor.Energy[j] <= 0)
                for (int r = 0; r < rows; r++) w[(long)r * columns + j] = 0;
        var wt = tensor(w, new long[] { rows, columns });
        var u = factor.U;
        var result = new float[weights.Length];
        for (int i1 = 0; i1 < columns; i1 += batch)
        {
            int i2 = Math.Min(i1 + batch, columns), count = i2 - i1;
            using var inner = NewDisposeScope();
            var w1 = wt.narrow(1, i1, count).contiguous().data<double>().ToArray();
            var u1 = u.narrow(0, i1, count).narrow(1, i1, count).to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
            var pruned = BlockMask(w1, u1, rows, count, sparsity);
            var err = new double[rows * count];
            for (int i = 0; i < count; i++)
            {
                var d = u1[i * count + i];
                for (int r = 0; r < rows; r++)
                {
                    var value = w1[r * count + i];
                    if (!pruned[r * count + i])
                    {
                        result[(long)r * columns + i1 + i] = (float)value;
                        continue;
                    }
                    var e = value / d;
                    err[r * count + i] = e;
                    for (int k = i + 1; k < count; k++) w1[r * count + k] -= e * u1[i * count + k];
                }
            }
            if (i2 < columns)
            {
                var e = tensor(err, new long[] { rows, count });
                wt.narrow(1, i2, columns - i2).sub_(e.mm(u.narrow(0, i1, count).narrow(1, i2, columns - i2).to_type(ScalarType.Float64)));
            }
        }
        return result;
    }

    /// <summary>The ⌊s·rows·count⌋ weights of the block with the lowest w²/[U]_jj² (ties: the earlier position).</summary>
    static bool[] BlockMask(double[] w1, double[] u1, int rows, int count, double sparsity)
    {
        var total = rows * count;
        var prune = (int)Math.Floor(sparsity * total);
        var mask = new bool[total];
        if (prune == 0) return mask;
        var score = new double[total];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < count; i++)
            {
                var d = u1[i * count + i];
                var v = w1[r * count + i];
                score[r * count + i] = v * v / (d * d);
            }
        foreach (var p in Lowest(score, prune)) mask[p] = true;
        return mask;
    }

    /// <summary>
    /// Magnitude pruning of one layer, the baseline: the ⌊s·n⌋ weights of least |w| set to 0
    /// (ties: the earlier position), the rest unchanged.
    /// </summary>
    public static float[] Magnitude(ReadOnlySpan<float> weights, double sparsity)
    {
        if (!(sparsity >= 0 && sparsity < 1)) throw new CondenseException($"sparsity {sparsity} must be in [0, 1)");
        var result = weights.ToArray();
        var prune = (int)Math.Floor(sparsity * result.Length);
        foreach (var p in Lowest(result.Select(v => (double)Math.Abs(v)).ToArray(), prune)) result[p] = 0;
        return result;
    }

    /// <summary>Positions of the <paramref name="count"/> lowest keys, ties to the earlier position (deterministic).</summary>
    static IEnumerable<int> Lowest(double[] keys, int count)
    {
        var order = Enumerable.Range(0, keys.Length).ToArray();
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
        return order.Take(count);
    }
}
