namespace Condense.Quantization;

/// <summary>
/// A weight matrix W [K, N] quantized in blocks along K, laid out the way ONNX Runtime's
/// <c>MatMulNBits</c> reads it: for each output column n (a "row" of Wᵀ) and each block b of
/// <see cref="BlockSize"/> consecutive k, one scale and one zero point, and unsigned codes with
/// w ≈ (code − zero) × scale. Any producer fits this slot: round-to-nearest here, GPTQ's codes
/// from another pass, so the writer never needs the floats.
/// </summary>
/// <param name="K">Input features (rows of W).</param>
/// <param name="N">Output features (columns of W).</param>
/// <param name="Bits">Bits per code, 2–8.</param>
/// <param name="BlockSize">Codes per block along K.</param>
/// <param name="Codes">[N, K] row-major codes in [0, 2^bits − 1] (note: transposed from W).</param>
/// <param name="Scales">[N, blocks] scales.</param>
/// <param name="ZeroPoints">[N, blocks] zero points in [0, 2^bits − 1]; null means the symmetric 2^(bits−1) everywhere.</param>
public sealed record BlockCodes(int K, int N, int Bits, int BlockSize, byte[] Codes, float[] Scales, byte[]? ZeroPoints)
{
    /// <summary>Blocks per column: ⌈K / BlockSize⌉.</summary>
    public int Blocks => (K + BlockSize - 1) / BlockSize;

    /// <summary>The default zero point of a symmetric grid.</summary>
    public int SymmetricZero => 1 << (Bits - 1);

    /// <summary>Checks the shapes and value ranges; a <see cref="CondenseException"/> names the first problem.</summary>
    public void Validate()
    {
        if (Bits is < 2 or > 8) throw new CondenseException($"bits must be 2-8, not {Bits}");
        if (BlockSize < 16 || (BlockSize & (BlockSize - 1)) != 0) throw new CondenseException($"block size must be a power of 2 of at least 16, not {BlockSize}");
        if (K < 1 || N < 1) throw new CondenseException($"a {K}x{N} matrix cannot be block-quantized");
        if (Codes.LongLength != (long)K * N) throw new CondenseException($"expected {K}x{N} codes, got {Codes.LongLength}");
        if (Scales.LongLength != (long)N * Blocks) throw new CondenseException($"expected {N}x{Blocks} scales, got {Scales.LongLength}");
        if (ZeroPoints is not null && ZeroPoints.LongLength != Scales.LongLength) throw new CondenseException($"expected {Scales.LongLength} zero points, got {ZeroPoints.LongLength}");
        var max = (1 << Bits) - 1;
        if (Codes.Any(c => c > max) || (ZeroPoints?.Any(z => z > max) ?? false)) throw new CondenseException($"a code or zero point exceeds {max} ({Bits} bits)");
    }

    /// <summary>The dequantized W [K, N] row-major (for checking and for error figures).</summary>
    public float[] Dequantize()
    {
        var w = new float[(long)K * N];
        for (int n = 0; n < N; n++)
            for (int k = 0; k < K; k++)
            {
                int b = n * Blocks + k / BlockSize;
                var zero = ZeroPoints is null ? SymmetricZero : ZeroPoints[b];
                w[(long)k * N + n] = (Codes[(long)n * K + k] - zero) * Scales[b];
            }
        return w;
    }

    /// <summary>
    /// Round-to-nearest block quantization of W [K, N] (row-major): asymmetric blocks use the
    /// block's min/max (a zero point per block); symmetric ones max |w| with the fixed middle zero.
    /// </summary>
    public static BlockCodes RoundToNearest(ReadOnlySpan<float> w, int k, int n, int bits, int blockSize, bool symmetric)
    {
        if ((long)k * n != w.Length) throw new CondenseException($"expected {k}x{n} weights, got {w.Length}");
        int blocks = (k + blockSize - 1) / blockSize, qmax = (1 << bits) - 1;
        var codes = new byte[(long)k * n];
        var scales = new float[(long)n * blocks];
        var zeros = symmetric ? null : new byte[(long)n * blocks];
        for (int col = 0; col < n; col++)
            for (int b = 0; b < blocks; b++)
            {
                int from = b * blockSize, to = Math.Min(k, from + blockSize);
                float lo = 0, hi = 0, absMax = 0;
                for (int r = from; r < to; r++)
                {
                    var v = w[r * n + col];
                    lo = Math.Min(lo, v); hi = Math.Max(hi, v); absMax = Math.Max(absMax, Math.Abs(v));
                }
                float scale;
                int zero;
                if (symmetric)
                {
                    zero = 1 << (bits - 1);
                    scale = absMax > 0 ? absMax / (zero - 1 > 0 ? zero - 1 : 1) : 1f;
                }
                else
                {
                    // In double, then the scale stored as float: exactly the grid GPTQ's
                    // LinearGridQuantizer fits, so RTN and GPTQ codes differ only in the rounding.
                    scale = hi > lo ? (float)(((double)hi - lo) / qmax) : 1f;
                    zero = (int)Math.Clamp(Math.Round(-(double)lo / scale), 0, qmax);
                    zeros![col * blocks + b] = (byte)zero;
                }
                scales[col * blocks + b] = scale;
                for (int r = from; r < to; r++)
                    codes[(long)col * k + r] = (byte)Math.Clamp(Math.Round((double)w[r * n + col] / scale) + zero, 0, qmax);
                // Padding past K (the last block) stays the zero point: it dequantizes to 0.
            }
        return new BlockCodes(k, n, bits, blockSize, codes, scales, zeros);
    }
}
