namespace Condense.Metrics;

/// <summary>
/// What a weight matrix is like before any compression: norms, conditioning, effective rank and
/// a histogram summary (used by <c>condense analyze</c> and the Studio).
/// </summary>
public sealed record WeightAnalysis(
    string Name, int Rows, int Columns,
    double OneNorm, double FrobeniusNorm, double Cond1, double EffectiveRank,
    double Min, double Max, double Mean, double Std, double ZeroFraction, double Kurtosis)
{
    /// <summary>Measures the row-major <paramref name="rows"/>×<paramref name="columns"/> matrix <paramref name="w"/> called <paramref name="name"/>: norms, cond₁, effective rank and moments.</summary>
    public static WeightAnalysis Compute(string name, ReadOnlySpan<float> w, int rows, int columns)
    {
        MatrixNorms.CheckShape(w.Length, rows, columns);
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sq = 0;
        long zeros = 0;
        foreach (var v in w)
        {
            if (!float.IsFinite(v)) throw new CondenseException($"analyze: {name} contains NaN or ±Inf");
            min = Math.Min(min, v); max = Math.Max(max, v); sum += v; sq += (double)v * v;
            if (v == 0) zeros++;
        }
        double mean = sum / w.Length, variance = Math.Max(0, sq / w.Length - mean * mean), m4 = 0;
        foreach (var v in w) { double d = v - mean; m4 += d * d * d * d; }
        double kurt = variance > 0 ? m4 / w.Length / (variance * variance) : double.NaN;
        return new WeightAnalysis(name, rows, columns,
            MatrixNorms.InducedOneNorm(w, rows, columns), Math.Sqrt(sq),
            ConditionNumber.OneNorm(w, rows, columns), Metrics.EffectiveRank.Compute(w, rows, columns),
            min, max, mean, Math.Sqrt(variance), (double)zeros / w.Length, kurt);
    }
}
