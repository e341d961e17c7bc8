namespace Condense.Quantization;

/// <summary>How <see cref="LinearQuantizer"/> chooses the clipping range that the integer grid spans.</summary>
public enum RangeCalibration
{
    /// <summary>The full range: no clipping, but one outlier stretches the step for everyone.</summary>
    MinMax,
    /// <summary>Clip at a percentile (<see cref="LinearQuantizationOptions.Percentile"/>): finer steps, outliers saturate.</summary>
    Percentile,
    /// <summary>
    /// The threshold whose quantized histogram is closest in KL divergence to the original
    /// (TensorRT's entropy calibration, Migacz 2017): trades clipping against rounding.
    /// </summary>
    KlDivergence,
}
