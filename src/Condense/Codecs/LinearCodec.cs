using Condense.Quantization;

namespace Condense.Codecs;

/// <summary>
/// Uniform (linear) quantization, Q = γ·(round(x/γ + β) − β) (Jacob et al., CVPR 2018, eq. 1;
/// Krishnamoorthi 2018 for symmetric vs asymmetric and per-channel), at any width from 2 to 8
/// bits on a signed or unsigned grid, plus ternary (TWN) and binary (XNOR-Net) scaling, per
/// tensor or per slice along the consumer's channel axis. Every element inside the calibrated
/// range is off by at most γ/2.
/// </summary>
/// <remarks>
/// The one place this arithmetic lives. The scale is computed in double and stored as float32;
/// codes divide the value by that float scale in double (<see cref="LinearKernel"/>). The model
/// quantizer (<see cref="LinearQuantizer"/>), the ONNX encodings and the streaming int8 encoder
/// all call it, so the same tensor gets the same codes whichever file it ends up in.
/// </remarks>
public sealed class LinearCodec(LinearCodecOptions options) : ITensorCodec
{
    /// <summary>The grid and bit width this codec encodes to, validated when the options were built.</summary>
    public LinearCodecOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Encodes <paramref name="values"/> (row-major, of <paramref name="shape"/>) with one scale and zero point per tensor, or per slice along <paramref name="channelAxis"/> when it is given; the result carries its codes, side tensors, size and error.</summary>
    public EncodedTensor Encode(ReadOnlySpan<float> values, long[] shape, int? channelAxis)
    {
        long count = ShapeCheck.Count(values.Length, shape, "linear quantization");
        ShapeCheck.Finite(values, "linear quantization");
        var layout = ChannelLayout.Of(shape, channelAxis, count);
        int groups = layout.Channels;
        int per = (int)layout.PerChannel;
        var (qmin, qmax) = Options.Range;
        var scales = new float[groups];
        var zeros = new int[groups];
        var codes = new byte[count];
        var gathered = layout.Contiguous ? null : new float[per];
        var gatheredCodes = layout.Contiguous ? null : new byte[per];
        for (int g = 0; g < groups; g++)
        {
            ReadOnlySpan<float> x;
            Span<byte> q;
            if (gathered is null) { x = values.Slice(g * per, per); q = codes.AsSpan(g * per, per); }
            else { layout.Gather(values, g, gathered); x = gathered; q = gatheredCodes; }
            switch (Options.Grid)
            {
                case LinearGrid.Ternary: scales[g] = Ternary(x, q); break;
                case LinearGrid.Binary: scales[g] = Binary(x, q); break;
                default:
                    (scales[g], zeros[g]) = Fit(x, qmin, qmax);
                    LinearKernel.Quantize(x, scales[g], zeros[g], qmin, qmax, -qmin, q);
                    break;
            }
            if (gathered is not null) layout.Scatter<byte>(gatheredCodes, g, codes);
        }
        var encoded = new EncodedTensor
        {
            Kind = Options.Grid == LinearGrid.Binary ? CodecKind.Binary : CodecKind.Linear,
            Shape = (long[])shape.Clone(),
            ChannelAxis = groups > 1 ? channelAxis : null,
            Bits = Options.Bits,
            Codes = codes,
            CodeOffset = qmin,
            Scales = scales,
            ZeroPoints = zeros,
            Symmetric = Options.Symmetric,
            Size = new SizeBreakdown(count * 4, BitPacking.PackedLength(count, Options.Bits), 0, groups * 4L + (Options.Symmetric ? 0 : groups * 4L), 0),
            Error = TensorError.Zero,
        };
        return encoded with { Error = TensorError.Of(values, encoded.Decode()) };
    }

    /// <summary>γ and β of one group: symmetric grids cover [−r, r] with β fixed, asymmetric ones [min(lo, 0), max(hi, 0)].</summary>
    (float Scale, int Zero) Fit(ReadOnlySpan<float> x, int qmin, int qmax)
    {
        if (Options.Symmetric) return SymmetricGrid(LinearRange.Symmetric(x, Options), qmax);
        var (lo, hi) = LinearRange.Asymmetric(x, Options);
        return UniformGrid.Asymmetric(lo, hi, qmin, qmax);
    }

    /// <summary>γ = r / (largest positive level), in double, stored as float (1 for r = 0); β = 0, or 2^(b−1) on an unsigned grid.</summary>
    (float Scale, int Zero) SymmetricGrid(double r, int qmax)
    {
        bool unsigned = Options.Grid == LinearGrid.Unsigned;
        int half = 1 << (Options.Bits - 1);
        int positive = unsigned ? half - 1 : qmax;
        return (UniformGrid.SymmetricScale(r, positive), unsigned ? half : 0);
    }

    /// <summary>
    /// One group (a row of a streamed tensor) with min-max symmetric calibration, written as the
    /// grid's integers in two's complement (int8 as a shard stores it) rather than as codes.
    /// Returns γ, or NaN when the row holds NaN or ±∞ (checked in the same pass as the range).
    /// </summary>
    internal float EncodeRowSigned(ReadOnlySpan<float> x, Span<byte> integers)
    {
        if (!Options.Symmetric || Options.Calibration != RangeCalibration.MinMax || Options.Grid != LinearGrid.Signed)
            throw new InvalidOperationException("row encoding is for symmetric, min-max, signed grids");
        var (maxAbs, finite) = LinearKernel.MaxAbs(x);
        if (!finite) return float.NaN;
        var (qmin, qmax) = Options.Range;
        var (scale, zero) = SymmetricGrid(maxAbs, qmax);
        LinearKernel.Quantize(x, scale, zero, qmin, qmax, 0, integers);
        return scale;
    }

    /// <summary>TWN: codes 0, 1, 2 for −γ, 0, +γ; γ = mean |x| over the values above 0.7·mean |x|.</summary>
    static float Ternary(ReadOnlySpan<float> x, Span<byte> q)
    {
        double meanAbs = 0;
        foreach (var v in x) meanAbs += Math.Abs(v);
        meanAbs /= x.Length;
        double delta = 0.7 * meanAbs, sum = 0;
        int n = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double a = Math.Abs(x[i]);
            if (a > delta) { q[i] = x[i] > 0 ? (byte)2 : (byte)0; sum += a; n++; }
            else q[i] = 1;
        }
        return n > 0 ? (float)(sum / n) : 1f;
    }

    /// <summary>XNOR-Net: code 1 for x ≥ 0, 0 otherwise; γ = mean |x|.</summary>
    static float Binary(ReadOnlySpan<float> x, Span<byte> q)
    {
        double meanAbs = 0;
        for (int i = 0; i < x.Length; i++) { meanAbs += Math.Abs(x[i]); q[i] = x[i] >= 0 ? (byte)1 : (byte)0; }
        meanAbs /= x.Length;
        return meanAbs > 0 ? (float)meanAbs : 1f;
    }
}
