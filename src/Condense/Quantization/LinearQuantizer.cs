using Condense.Codecs;

namespace Condense.Quantization;

/// <summary>
/// Linear quantization of one model parameter in the formats of <see cref="LinearPrecision"/>
/// (int8, uint8, int4, ternary, binary), per tensor or per output channel (dimension 0): the
/// <see cref="LinearCodec"/>'s codes, bit-packed as Condense's model file stores them
/// (<see cref="LinearQuantized"/>). The arithmetic is the codec's; this type only names formats.
/// </summary>
public sealed class LinearQuantizer
{
    readonly LinearCodec _codec;

    /// <summary>A quantizer with <paramref name="options"/>, checked here.</summary>
    public LinearQuantizer(LinearQuantizationOptions options)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _codec = new LinearCodec(CodecOptions(options));
    }

    /// <summary>The settings every tensor quantized by this instance uses.</summary>
    public LinearQuantizationOptions Options { get; }

    /// <summary>The codec settings a format stands for.</summary>
    public static LinearCodecOptions CodecOptions(LinearQuantizationOptions options)
    {
        var grid = options.Precision switch
        {
            LinearPrecision.Ternary => LinearGrid.Ternary,
            LinearPrecision.Binary => LinearGrid.Binary,
            LinearPrecision.UInt8 => LinearGrid.Unsigned,
            _ => LinearGrid.Signed,
        };
        return new LinearCodecOptions(options.Bits, grid)
        {
            Symmetric = options.Symmetric, Calibration = options.Calibration, Percentile = options.Percentile, HistogramBins = options.HistogramBins,
        };
    }

    /// <summary>Integer range of a format: symmetric signed formats drop the most negative value.</summary>
    public static (int QMin, int QMax) Range(LinearPrecision precision, bool symmetric) =>
        (precision is LinearPrecision.Ternary or LinearPrecision.Binary || symmetric
            ? CodecOptions(new LinearQuantizationOptions(precision))
            : CodecOptions(new LinearQuantizationOptions(precision) { Symmetric = false })).Range;

    /// <summary>Quantizes a row-major tensor (per channel: one scale per slice along dimension 0).</summary>
    public LinearQuantized Quantize(ReadOnlySpan<float> weights, long[] shape) => LinearQuantized.From(Encode(weights, shape), Options.Precision);

    /// <summary>The <see cref="LinearCodec"/>'s value for a row-major tensor (per channel: one scale per slice along dimension 0).</summary>
    public EncodedTensor Encode(ReadOnlySpan<float> weights, long[] shape) =>
        _codec.Encode(weights, shape, Options.Granularity == Granularity.PerChannel ? 0 : null);

    /// <summary>One model parameter as a quantized model holds it: the codec's value in this format.</summary>
    public EncodedParameter EncodeParameter(string name, ReadOnlySpan<float> weights, long[] shape) =>
        EncodedParameter.Linear(name, Encode(weights, shape), Options.Precision);
}
