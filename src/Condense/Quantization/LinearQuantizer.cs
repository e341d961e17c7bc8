namespace Condense.Quantization;

/// <summary>
/// Uniform (linear) quantization, Q = γ·(round(x/γ + β) − β) (Jacob et al., CVPR 2018, eq. 1;
/// Krishnamoorthi 2018 for symmetric vs asymmetric and per-channel), plus ternary (TWN) and
/// binary (XNOR-Net) scaling. Every element inside the calibrated range is off by at most γ/2.
/// </summary>
public sealed class LinearQuantizer
{
    public LinearQuantizer(LinearQuantizationOptions options)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        if (!options.Symmetric && options.Precision is LinearPrecision.Ternary or LinearPrecision.Binary)
            throw new CondenseException($"linear quantization: {options.Precision} is symmetric only (asymmetric requested)");
    }

    public LinearQuantizationOptions Options { get; }

    /// <summary>Integer range of a format: symmetric signed formats drop the most negative value.</summary>
    public static (int QMin, int QMax) Range(LinearPrecision precision, bool symmetric) => precision switch
    {
        LinearPrecision.Int8 => symmetric ? (-127, 127) : (-128, 127),
        LinearPrecision.UInt8 => (0, 255),
        LinearPrecision.Int4 => symmetric ? (-7, 7) : (-8, 7),
        LinearPrecision.Ternary => (-1, 1),
        LinearPrecision.Binary => (0, 1),
        _ => throw new CondenseException($"linear quantization: unknown precision {precision}"),
    };

    public LinearQuantized Quantize(ReadOnlySpan<float> weights, long[] shape)
    {
        long count = ShapeCheck.Count(weights.Length, shape, "linear quantization");
        ShapeCheck.Finite(weights, "linear quantization");
        int groups = Options.Granularity == Granularity.PerChannel && shape.Length >= 2 ? (int)shape[0] : 1;
        int per = (int)(count / groups);
        var (qmin, qmax) = Range(Options.Precision, Options.Symmetric);
        var scales = new float[groups];
        var zeros = new int[groups];
        var codes = new int[count];
        for (int g = 0; g < groups; g++)
        {
            var x = weights.Slice(g * per, per);
            var q = codes.AsSpan(g * per, per);
            switch (Options.Precision)
            {
                case LinearPrecision.Ternary: scales[g] = Ternary(x, q); break;
                case LinearPrecision.Binary: scales[g] = Binary(x, q); break;
                default:
                    (scales[g], zeros[g]) = Integer(x, q, qmin, qmax);
                    break;
            }
            for (int i = 0; i < q.Length; i++) q[i] -= qmin;
        }
        return new LinearQuantized((long[])shape.Clone(), Options.Precision, Options.Symmetric,
            groups > 1 ? Granularity.PerChannel : Granularity.PerTensor, scales, zeros, BitPacking.Pack(codes, Options.Bits));
    }

    (float Scale, int Zero) Integer(ReadOnlySpan<float> x, Span<int> q, int qmin, int qmax)
    {
        double scale;
        int zero;
        if (Options.Symmetric)
        {
            double r = SymmetricRange(x);
            int positive = Options.Precision == LinearPrecision.UInt8 ? 127 : qmax;
            scale = r > 0 ? r / positive : 1;
            zero = Options.Precision == LinearPrecision.UInt8 ? 128 : 0;
        }
        else
        {
            var (lo, hi) = AsymmetricRange(x);
            lo = Math.Min(lo, 0); hi = Math.Max(hi, 0);
            scale = hi > lo ? (hi - lo) / (qmax - qmin) : 1;
            zero = (int)Math.Clamp(Math.Round(qmin - lo / scale), qmin, qmax);
        }
        float s = (float)scale;
        for (int i = 0; i < x.Length; i++)
            q[i] = (int)Math.Clamp(Math.Round(x[i] / (double)s) + zero, qmin, qmax);
        return (s, zero);
    }

    double SymmetricRange(ReadOnlySpan<float> x)
    {
        switch (Options.Calibration)
        {
            case RangeCalibration.Percentile:
            {
                var a = new float[x.Length];
                for (int i = 0; i < x.Length; i++) a[i] = Math.Abs(x[i]);
                Array.Sort(a);
                return Quantile(a, Options.Percentile / 100);
            }
            case RangeCalibration.KlDivergence:
                return KlThreshold(x, Options.Precision == LinearPrecision.Int4 ? 8 : 128, Options.HistogramBins);
            default:
            {
                double m = 0;
                foreach (var v in x) m = Math.Max(m, Math.Abs(v));
                return m;
            }
        }
    }

    (double Lo, double Hi) AsymmetricRange(ReadOnlySpan<float> x)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in x) { min = Math.Min(min, v); max = Math.Max(max, v); }
        switch (Options.Calibration)
        {
            case RangeCalibration.Percentile:
            {
                var a = x.ToArray();
                Array.Sort(a);
                double p = Options.Percentile / 100;
                return (Quantile(a, 1 - p), Quantile(a, p));
            }
            case RangeCalibration.KlDivergence:
            {
                double t = KlThreshold(x, Options.Precision == LinearPrecision.Int4 ? 8 : 128, Options.HistogramBins);
                return (Math.Max(min, -t), Math.Min(max, t));
            }
            default:
                return (min, max);
        }
    }

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

    static float Ternary(ReadOnlySpan<float> x, Span<int> q)
    {
        double meanAbs = 0;
        foreach (var v in x) meanAbs += Math.Abs(v);
        meanAbs /= x.Length;
        double delta = 0.7 * meanAbs, sum = 0;
        int n = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double a = Math.Abs(x[i]);
            if (a > delta) { q[i] = x[i] > 0 ? 1 : -1; sum += a; n++; }
            else q[i] = 0;
        }
        return n > 0 ? (float)(sum / n) : 1f;
    }

    static float Binary(ReadOnlySpan<float> x, Span<int> q)
    {
        double meanAbs = 0;
        for (int i = 0; i < x.Length; i++) { meanAbs += Math.Abs(x[i]); q[i] = x[i] >= 0 ? 1 : 0; }
        meanAbs /= x.Length;
        return meanAbs > 0 ? (float)meanAbs : 1f;
    }
}
