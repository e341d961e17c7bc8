namespace Condense.Metrics;

/// <summary>
/// KL divergence between the value histograms of W and Q on shared bins: how much information
/// about the weight distribution quantization discards (0 when the histograms agree).
/// </summary>
public static class HistogramDivergence
{
    /// <summary>
    /// KL(P_W ‖ P_Q) in nats over <paramref name="bins"/> equal bins spanning both tensors.
    /// Q's empty bins get ε = 1e-10 of mass so the divergence stays finite (a k-means codebook
    /// concentrates Q on 2^bits values, so without smoothing it would be +∞).
    /// </summary>
    public static double KlDivergence(ReadOnlySpan<float> w, ReadOnlySpan<float> q, int bins = 256)
    {
        if (bins < 2) throw new CondenseException($"KL divergence: bins must be ≥ 2, got {bins}");
        if (w.IsEmpty || q.IsEmpty) throw new CondenseException("KL divergence: empty tensor");
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in w) { min = Math.Min(min, v); max = Math.Max(max, v); }
        foreach (var v in q) { min = Math.Min(min, v); max = Math.Max(max, v); }
        if (!double.IsFinite(min) || !double.IsFinite(max)) throw new CondenseException("KL divergence: values contain NaN or ±Inf");
        var p = Histogram(w, min, max, bins);
        var r = Histogram(q, min, max, bins);
        const double eps = 1e-10;
        double kl = 0, zr = 0;
        foreach (var x in r) zr += x + eps;
        for (int b = 0; b < bins; b++)
        {
            if (p[b] == 0) continue;
            double pb = p[b] / w.Length, rb = (r[b] + eps) / zr;
            kl += pb * Math.Log(pb / rb);
        }
        return Math.Max(0, kl);
    }

    /// <summary>Counts in <paramref name="bins"/> equal bins over [min, max] (max falls in the last bin).</summary>
    public static double[] Histogram(ReadOnlySpan<float> values, double min, double max, int bins)
    {
        var h = new double[bins];
        double width = (max - min) / bins;
        foreach (var v in values)
        {
            int b = width > 0 ? (int)((v - min) / width) : 0;
            h[Math.Clamp(b, 0, bins - 1)]++;
        }
        return h;
    }
}
