namespace Condense.Quantization;

/// <summary>
/// The range statistics of one activation tensor over a calibration set, folded in one sample at a
/// time so memory never holds the data set: a first pass records min/max, a second (only for
/// percentile and entropy calibration) a histogram of the non-zero |x| over [0, max|x|] with fixed bins, since
/// bins must be fixed before values can be counted into them.
/// </summary>
public sealed class ActivationStatistics
{
    /// <summary>Histogram bins (ONNX Runtime's calibrator uses 2048 too).</summary>
    public const int Bins = 2048;

    double[]? histogram;
    double width;

    /// <summary>The smallest value seen in the first pass.</summary>
    public double Min { get; private set; } = double.PositiveInfinity;

    /// <summary>The largest value seen in the first pass.</summary>
    public double Max { get; private set; } = double.NegativeInfinity;

    /// <summary>True when a histogram pass has begun.</summary>
    public bool HasHistogram => histogram is not null;

    /// <summary>First pass: extends min/max by <paramref name="values"/>.</summary>
    public void ObserveRange(ReadOnlySpan<float> values)
    {
        if (histogram is not null) throw new InvalidOperationException("the range pass is over");
        double lo = Min, hi = Max;
        foreach (var v in values)
        {
            if (!float.IsFinite(v)) continue;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        Min = lo;
        Max = hi;
    }

    /// <summary>Second pass: counts |x| into bins spanning the first pass's max |x|.</summary>
    public void ObserveHistogram(ReadOnlySpan<float> values)
    {
        if (histogram is null)
        {
            histogram = new double[Bins];
            var absMax = Math.Max(Math.Abs(Min), Math.Abs(Max));
            width = absMax > 0 && double.IsFinite(absMax) ? absMax / Bins : 1;
        }
        foreach (var v in values)
        {
            // Exact zeros (half of every ReLU output) cost nothing on any grid that contains 0;
            // counted, they would pull the entropy threshold towards 0.
            if (!float.IsFinite(v) || v == 0) continue;
            histogram[Math.Min(Bins - 1, (int)(Math.Abs(v) / width))]++;
        }
    }

    /// <summary>
    /// The range [lo, hi] to quantize to (always containing 0, as integer grids must represent 0
    /// exactly for padding and ReLU): min/max, or min/max clipped at a threshold on |x| chosen by
    /// percentile or by entropy (KL of the histogram, with <paramref name="levels"/> quantized bins).
    /// </summary>
    public (float Lo, float Hi) Range(RangeCalibration method, double percentile = 99.999, int levels = 128)
    {
        if (!double.IsFinite(Min) || !double.IsFinite(Max)) return (0, 0);
        double lo = Math.Min(0, Min), hi = Math.Max(0, Max);
        if (method == RangeCalibration.MinMax) return ((float)lo, (float)hi);
        if (histogram is null) throw new InvalidOperationException($"{method} calibration needs the histogram pass");
        double t = method == RangeCalibration.Percentile ? Quantile(percentile / 100) : Codecs.LinearRange.KlThreshold(histogram, width, levels);
        return ((float)Math.Max(lo, -t), (float)Math.Min(hi, t));
    }

    double Quantile(double p)
    {
        double total = 0;
        foreach (var c in histogram!) total += c;
        if (total == 0) return 0;
        double target = p * total, seen = 0;
        for (int i = 0; i < histogram!.Length; i++)
        {
            seen += histogram[i];
            if (seen >= target) return (i + 1) * width;
        }
        return histogram.Length * width;
    }
}
