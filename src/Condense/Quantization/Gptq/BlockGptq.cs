using Condense.Metrics;

namespace Condense.Quantization.Gptq;

/// <summary>
/// GPTQ on the grid <c>MatMulNBits</c> stores: W [K, N] of a MatMul x·W is solved as Wᵀ (N output
/// rows × K input columns) with one asymmetric scale and integer zero point per (output column,
/// block along K) — the min/max-with-zero grid of <see cref="BlockCodes.RoundToNearest"/>, each
/// block's range taken when GPTQ reaches it — so round-to-nearest and GPTQ differ only in how
/// they round, and the codes go to the writer as <see cref="BlockCodes"/> unchanged.
/// </summary>
public static class BlockGptq
{
    /// <summary>Error-compensated codes for W [K, N] (row-major, as MatMul stores it) against H = Σ x xᵀ of the layer's K-wide inputs.</summary>
    public static BlockCodes Solve(ReadOnlySpan<float> w, int k, int n, HessianAccumulator hessian, int bits, int blockSize, GptqOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(hessian);
        if ((long)k * n != w.Length) throw new CondenseException($"expected {k}x{n} weights, got {w.Length}");
        var quantizer = new LinearGridQuantizer(bits, blockSize);
        GptqSolver.Solve(RowMajor.Transpose(w, k, n), n, k, hessian, quantizer, options ?? new GptqOptions());
        return FromGrid(quantizer.Result(), blockSize);
    }

    /// <summary>Round to nearest on the same grid (GPTQ without compensation), for the comparison.</summary>
    public static BlockCodes RoundToNearest(ReadOnlySpan<float> w, int k, int n, int bits, int blockSize)
    {
        if ((long)k * n != w.Length) throw new CondenseException($"expected {k}x{n} weights, got {w.Length}");
        var quantizer = new LinearGridQuantizer(bits, blockSize);
        Gptq.RoundToNearest.Solve(RowMajor.Transpose(w, k, n), n, k, quantizer);
        return FromGrid(quantizer.Result(), blockSize);
    }

    /// <summary>A grid over Wᵀ (rows = outputs, columns = K) is already MatMulNBits' [N, K] layout.</summary>
    internal static BlockCodes FromGrid(GridCodes g, int blockSize)
    {
        // A matrix narrower than one block has one whole-row grid: the same as one (padded) block.
        return new BlockCodes(g.Columns, g.Rows, g.Bits, blockSize, g.Codes, g.Scales, g.ZeroPoints);
    }
}
