namespace Condense.Metrics;

/// <summary>
/// Element-wise errors between original weights W and their quantized version Q. They say how
/// far each weight moved, not what the layer now computes; for that see <see cref="MatrixNorms"/>
/// and <see cref="ConditionNumber"/>.
/// </summary>
public static class ErrorMetrics
{
    /// <summary>|W − Q| element by element (the article's error matrix).</summary>
    public static float[] AbsoluteError(ReadOnlySpan<float> w, ReadOnlySpan<float> q)
    {
        Check(w, q);
        var e = new float[w.Length];
        for (int i = 0; i < w.Length; i++) e[i] = Math.Abs(w[i] - q[i]);
        return e;
    }

    /// <summary>Mean of |W − Q| (the article's eq. 1: Σ|wᵢⱼ − qᵢⱼ| / (m·n)).</summary>
    public static double MeanAbsoluteError(ReadOnlySpan<float> w, ReadOnlySpan<float> q)
    {
        Check(w, q);
        double s = 0;
        for (int i = 0; i < w.Length; i++) s += Math.Abs((double)w[i] - q[i]);
        return s / w.Length;
    }

    /// <summary>max |W − Q|.</summary>
    public static double MaxAbsoluteError(ReadOnlySpan<float> w, ReadOnlySpan<float> q)
    {
        Check(w, q);
        double m = 0;
        for (int i = 0; i < w.Length; i++) m = Math.Max(m, Math.Abs((double)w[i] - q[i]));
        return m;
    }

    /// <summary>Σ (W − Q)² in double.</summary>
    public static double SumSquaredError(ReadOnlySpan<float> w, ReadOnlySpan<float> q)
    {
        Check(w, q);
        double s = 0;
        for (int i = 0; i < w.Length; i++) { double d = (double)w[i] - q[i]; s += d * d; }
        return s;
    }

    /// <summary>‖W − Q‖₂ / ‖W‖₂, the error relative to the tensor's energy (0 for an all-zero W).</summary>
    public static double RelativeRms(ReadOnlySpan<float> w, ReadOnlySpan<float> q)
    {
        Check(w, q);
        double num = 0, den = 0;
        for (int i = 0; i < w.Length; i++)
        {
            var d = (double)w[i] - q[i];
            num += d * d;
            den += (double)w[i] * w[i];
        }
        return den > 0 ? Math.Sqrt(num / den) : 0;
    }

    /// <summary>
    /// Signal-to-quantization-noise ratio in dB: 10·log₁₀(Σw² / Σ(w − q)²). Each extra bit of a
    /// uniform quantizer adds about 6 dB. +∞ when Q = W.
    /// </summary>
    public static double Sqnr(ReadOnlySpan<float> w, ReadOnlySpan<float> q)
    {
        Check(w, q);
        double signal = 0, noise = 0;
        for (int i = 0; i < w.Length; i++) { double d = (double)w[i] - q[i]; noise += d * d; signal += (double)w[i] * w[i]; }
        return noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise);
    }

    internal static void Check(ReadOnlySpan<float> w, ReadOnlySpan<float> q)
    {
        if (w.Length != q.Length) throw new CondenseException($"metrics: W has {w.Length} values but Q has {q.Length}");
        if (w.IsEmpty) throw new CondenseException("metrics: empty tensor");
    }
}
