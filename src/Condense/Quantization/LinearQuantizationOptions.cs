namespace Condense.Quantization;

/// <summary>
/// Settings for <see cref="LinearQuantizer"/>: Q = γ·(round(x/γ + β) − β), with scale γ and zero
/// point β per tensor or per output channel. Validated on construction.
/// </summary>
public sealed record LinearQuantizationOptions
{
    /// <summary>Options for <paramref name="precision"/>; an undefined value is a <see cref="CondenseException"/>.</summary>
    public LinearQuantizationOptions(LinearPrecision precision)
    {
        if (!Enum.IsDefined(precision)) throw new CondenseException($"linear quantization: unknown precision {precision}");
        Precision = precision;
    }

    /// <summary>The grid the values map onto (int8, int4, ternary, binary).</summary>
    public LinearPrecision Precision { get; }

    /// <summary>Symmetric (β = 0: zero is exact, cheapest arithmetic; default) or asymmetric (range fitted to [min, max]).</summary>
    public bool Symmetric { get; init; } = true;

    /// <summary>One scale for the tensor (default) or one per output channel (row).</summary>
    public Granularity Granularity { get; init; } = Granularity.PerTensor;

    /// <summary>Range calibration (default <see cref="RangeCalibration.MinMax"/>; ignored by ternary and binary).</summary>
    public RangeCalibration Calibration { get; init; } = RangeCalibration.MinMax;

    /// <summary>Percentile for <see cref="RangeCalibration.Percentile"/>, in (50, 100]; default 99.99.</summary>
    public double Percentile
    {
        get => _percentile;
        init => _percentile = Codecs.LinearCodecOptions.CheckPercentile(value);
    }
    double _percentile = 99.99;

    /// <summary>Histogram bins for KL calibration, 256..65536; default 2048 (TensorRT's).</summary>
    public int HistogramBins
    {
        get => _bins;
        init => _bins = Codecs.LinearCodecOptions.CheckBins(value);
    }
    int _bins = 2048;

    /// <summary>Bits per value of <see cref="Precision"/>.</summary>
    public int Bits => Precision switch
    {
        LinearPrecision.Int8 or LinearPrecision.UInt8 => 8,
        LinearPrecision.Int4 => 4,
        LinearPrecision.Ternary => 2,
        _ => 1,
    };
}
