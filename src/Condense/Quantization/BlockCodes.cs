using Condense.Codecs;

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
/// <remarks>Checked when it is built (the sizes against each other, every code and zero point against
/// the bits), so its settings are set by the constructor only and a writer never meets codes that do not fit.</remarks>
public sealed record BlockCodes(int K, int N, int Bits, int BlockSize, byte[] Codes, float[] Scales, byte[]? ZeroPoints)
{
    /// <summary>Input features (rows of W); at least 1.</summary>
    public int K { get; } = CheckSide(K, N);

    /// <summary>Output features (columns of W); at least 1.</summary>
    public int N { get; } = CheckSide(N, K);

    /// <summary>Bits per code, 2–8.</summary>
    public int Bits { get; } = CheckBits(Bits);

    /// <summary>Codes per block along K: a power of 2, at least 16.</summary>
    public int BlockSize { get; } = CheckBlockSize(BlockSize);

    /// <summary>[N, K] row-major codes, each at most 2^bits − 1.</summary>
    public byte[] Codes { get; } = CheckCodes("codes", Codes, (long)K * N, Bits);

    /// <summary>[N, blocks] scales.</summary>
    public float[] Scales { get; } = CheckLength("scales", Scales, (long)N * ((K + BlockSize - 1) / BlockSize));

    /// <summary>[N, blocks] zero points, each at most 2^bits − 1; null for the symmetric 2^(bits−1).</summary>
    public byte[]? ZeroPoints { get; } = ZeroPoints is null ? null : CheckCodes("zero points", ZeroPoints, Scales.LongLength, Bits);

    /// <summary>Blocks per column: ⌈K / BlockSize⌉.</summary>
    public int Blocks => (K + BlockSize - 1) / BlockSize;

    /// <summary>The default zero point of a symmetric grid.</summary>
    public int SymmetricZero => 1 << (Bits - 1);

    static int CheckSide(int value, int other) => value >= 1 && other >= 1 ? value
        : throw new CondenseException($"a block-quantized matrix must be at least 1x1, got {value}x{other}");

    static int CheckBits(int value) => value is >= 2 and <= 8 ? value : throw new CondenseException($"block bits must be 2–8, got {value}");

    static int CheckBlockSize(int value) => value >= 16 && (value & (value - 1)) == 0 ? value
        : throw new CondenseException($"block size must be a power of 2 of at least 16, got {value}");

    static T[] CheckLength<T>(string what, T[] values, long expected)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.LongLength == expected ? values : throw new CondenseException($"block {what} must number {expected}, got {values.LongLength}");
    }

    static byte[] CheckCodes(string what, byte[] values, long expected, int bits)
    {
        CheckLength(what, values, expected);
        var max = (1 << bits) - 1;
        var over = max == byte.MaxValue ? -1 : values.AsSpan().IndexOfAnyInRange((byte)(max + 1), byte.MaxValue);
        return over < 0 ? values
            : throw new CondenseException($"block {what} must be at most {max} ({bits} bits), got {values[over]} at {over}");
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
                w[(long)k * N + n] = UniformGrid.Value(Codes[(long)n * K + k], Scales[b], zero);
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
        CheckBits(bits);
        CheckBlockSize(blockSize);
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
                // The one grid arithmetic (UniformGrid), as GPTQ's LinearGridQuantizer fits it,
                // so RTN and GPTQ codes differ only in the rounding. Symmetric: the fixed middle
                // zero 2^(b−1) with 2^(b−1) − 1 levels above it.
                int half = 1 << (bits - 1);
                var (scale, zero) = symmetric ? (UniformGrid.SymmetricScale(absMax, half - 1), half) : UniformGrid.Asymmetric(lo, hi, 0, qmax);
                if (!symmetric) zeros![col * blocks + b] = (byte)zero;
                scales[col * blocks + b] = scale;
                for (int r = from; r < to; r++)
                    codes[(long)col * k + r] = (byte)UniformGrid.Code(w[r * n + col], scale, zero, 0, qmax);
                // Padding past K (the last block) stays the zero point: it dequantizes to 0.
            }
        return new BlockCodes(k, n, bits, blockSize, codes, scales, zeros);
    }
}
