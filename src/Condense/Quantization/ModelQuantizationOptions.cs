namespace Condense.Quantization;

/// <summary>
/// One setting for a whole model: the method, the bits, and the method's own options. Validated
/// on construction (bits 1–8 for k-means; 1, 2, 4 or 8 for linear), before any work starts.
/// </summary>
public sealed record ModelQuantizationOptions
{
    /// <summary>Quantize every layer's weights with <paramref name="method"/> at <paramref name="bits"/> bits; a combination the method cannot do is a <see cref="CondenseException"/>.</summary>
    public ModelQuantizationOptions(QuantizationMethod method, int bits)
    {
        Method = method;
        Bits = bits;
        if (method == QuantizationMethod.KMeans) _ = new WeightSharingOptions(bits);
        else _ = LinearPrecisionFor(bits);
    }

    /// <summary>k-means weight sharing or a linear grid.</summary>
    public QuantizationMethod Method { get; }
    /// <summary>Bits per weight.</summary>
    public int Bits { get; }

    /// <summary>Per tensor (default) or per output channel.</summary>
    public Granularity Granularity { get; init; } = Granularity.PerTensor;

    /// <summary>k-means initialisation (k-means only).</summary>
    public CentroidInit Init { get; init; } = CentroidInit.Auto;

    /// <summary>Huffman-code k-means indices.</summary>
    public bool Huffman { get; init; }

    /// <summary>Keep exact zeros (k-means only; for pruned models).</summary>
    public bool KeepZeros { get; init; }

    /// <summary>Symmetric linear quantization (default) or asymmetric.</summary>
    public bool Symmetric { get; init; } = true;

    /// <summary>Range calibration for linear quantization.</summary>
    public RangeCalibration Calibration { get; init; } = RangeCalibration.MinMax;

    /// <summary>Quantize biases too (per tensor, same bits); default true.</summary>
    public bool Biases { get; init; } = true;

    /// <summary>Seed of the k-means initialisation: the same seed gives the same file.</summary>
    public int Seed { get; init; }

    /// <summary>The integer format a linear bit width stands for.</summary>
    public static LinearPrecision LinearPrecisionFor(int bits) => bits switch
    {
        8 => LinearPrecision.Int8,
        4 => LinearPrecision.Int4,
        2 => LinearPrecision.Ternary,
        1 => LinearPrecision.Binary,
        _ => throw new CondenseException($"linear quantization: bits must be 1 (binary), 2 (ternary), 4 or 8, got {bits}"),
    };

    /// <summary>Quantizes one tensor with these settings (biases and other 1-D tensors are always per tensor).</summary>
    public EncodedParameter Quantize(string name, ReadOnlySpan<float> values, long[] shape)
    {
        var g = shape.Length >= 2 ? Granularity : Granularity.PerTensor;
        if (Method == QuantizationMethod.KMeans)
        {
            var o = new WeightSharingOptions(Bits) { Granularity = g, Init = Init, Huffman = Huffman, KeepZeros = KeepZeros, Seed = Seed };
            return new WeightSharingQuantizer(o).EncodeParameter(name, values, shape);
        }
        var lo = new LinearQuantizationOptions(LinearPrecisionFor(Bits)) { Granularity = g, Symmetric = Symmetric, Calibration = Calibration };
        return new LinearQuantizer(lo).EncodeParameter(name, values, shape);
    }
}
