using Condense.Quantization;

namespace Condense.Codecs;

/// <summary>
/// Range calibration of the linear codec: the [lo, hi] (or |x| ≤ r) a group's grid must cover —
/// min/max, a percentile, or the KL-divergence threshold. Separate from the codec because
/// activation calibration (<see cref="ActivationStatistics"/>) shares the KL threshold.
/// </summary>
internal static class LinearRange
{
    /// <summary>r such that the grid covers [−r, r].</summary>
    public static double Symmetric(ReadOnlySpan<float> x, LinearCodecOptions o)
    {
        switch (o.Calibration)
        {
            case RangeCalibration.Percentile:
            {
                var a = new float[x.Length];
                for (int i = 0; i < x.Length; i++) a[i] = Math.Abs(x[i]);
                Array.Sort(a);
                return Quantile(a, o.Percentile / 100);
            }
            case RangeCalibration.KlDivergence:
                return KlThreshold(x, KlLevels(o), o.HistogramBins);
            default:
                return LinearKernel.MaxAbs(x).MaxAbs;
        }
    }

    /// <summary>[lo, hi] of the values (before the codec widens it to include 0).</summary>
    public static (double Lo, double Hi) Asymmetric(ReadOnlySpan<float> x, LinearCodecOptions o)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in x) { min = Math.Min(min, v); max = Math.Max(max, v); }
        switch (o.Calibration)
        {
            case RangeCalibration.Percentile:
            {
                var a = x.ToArray();
                Array.Sort(a);
                double p = o.Percentile / 100;
                return (Quantile(a, 1 - p), Quantile(a, p));
            }
            case RangeCalibration.KlDivergence:
            {
                double t = KlThreshold(x, KlLevels(o), o.HistogramBins);
                return (Math.Max(min, -t), Math.Min(max, t));
            }
            default:
                return (min, max);
        }
    }

    /// <summary>Positive levels the KL threshold squeezes the histogram into: 2^(b−1) (128 at 8 bits, 8 at 4).</summary>
    static int KlLevels(LinearCodecOptions o) => 1 << (o.Bits - 1);

    static double Quantile(float[] sorted, double p)
    {
        double pos = p * (sorted.Length - 1);
        int i = (int)Math.Floor(pos);
        if (i >= sorted.Length - 1) return sorted[^1];
        return sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]);
    }

    /// <summary>
    /// TensorRT-style entropy calibration on the histogram of |x|: for each candidate threshold,
    /// P is the histogram clipped there (outliers folded into the last bin) and Q is P squeezed
    /// into <paramref name="levels"/> bins and expanded back; the threshold minimising KL(P‖Q) wins.
    /// Candidates are strided (at most 256) to keep per-channel calibration cheap.
    /// </summary>
    internal static double KlThreshold(ReadOnlySpan<float> x, int levels, int bins)
    {
        double max = 0;
        foreach (var v in x) max = Math.Max(max, Math.Abs(v));
        if (max == 0) return 0;
        var hist = new double[bins];
        double width = max / bins;
        foreach (var v in x) hist[Math.Min(bins - 1, (int)(Math.Abs(v) / width))]++;
        return KlThreshold(hist, width, levels);
    }

    /// <summary>
    /// The entropy threshold on a histogram of |x| whose bins are <paramref name="width"/> wide
    /// (shared with activation calibration, which accumulates the histogram over many inputs).
    /// </summary>
    internal static double KlThreshold(double[] hist, double width, int levels)
    {
        int bins = hist.Length;
        double max = bins * width;
        if (max == 0) return 0;
        if (bins <= levels) return max;
        double bestKl = double.PositiveInfinity;
        int bestI = bins;
        int stride = Math.Max(1, (bins - levels) / 256);
        var p = new double[bins];
        var qd = new double[bins];
        for (int i = levels; i <= bins; i += stride)
        {
            Array.Copy(hist, p, i);
            double outliers = 0;
            for (int j = i; j < bins; j++) outliers += hist[j];
            p[i - 1] += outliers;
            // Q: merge hist[0..i) into `levels` groups, spread each group's mass over its non-empty bins.
            Array.Clear(qd, 0, i);
            for (int l = 0; l < levels; l++)
            {
                int a = (int)((long)l * i / levels), b = (int)((long)(l + 1) * i / levels);
                double mass = 0; int nonzero = 0;
                for (int j = a; j < b; j++) { mass += hist[j]; if (hist[j] > 0) nonzero++; }
                if (nonzero == 0) continue;
                for (int j = a; j < b; j++) if (hist[j] > 0) qd[j] = mass / nonzero;
            }
            double sp = 0, sq = 0;
            for (int j = 0; j < i; j++) { sp += p[j]; sq += qd[j]; }
            double kl = 0;
            for (int j = 0; j < i; j++)
            {
                if (p[j] <= 0) continue;
                double pj = p[j] / sp, qj = qd[j] > 0 ? qd[j] / sq : 1e-12;
                kl += pj * Math.Log(pj / qj);
            }
            if (kl < bestKl) { bestKl = kl; bestI = i; }
        }
        return Math.Min(max, bestI * width);
    }
}
