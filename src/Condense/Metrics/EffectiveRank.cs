namespace Condense.Metrics;

/// <summary>
/// The effective rank of a matrix (Roy &amp; Vetterli, "The effective rank: a measure of effective
/// dimensionality", EUSIPCO 2007): exp of the Shannon entropy of the normalised singular values
/// p_i = σ_i / Σσ_j. It lies between 1 (one dominant direction) and min(m, n) (a flat spectrum), and
/// unlike the numerical rank it needs no threshold, which is why it tracks how regularisation (L1,
/// L2 penalties) concentrates a layer's energy in fewer directions.
/// </summary>
public static class EffectiveRank
{
    /// <summary>Effective rank from singular values (any order; all must be finite and ≥ 0).</summary>
    /// <returns>A value in [1, count]; 0 for an all-zero matrix (it has no direction at all).</returns>
    /// <exception cref="CondenseException">No values, or a negative or non-finite value.</exception>
    public static double FromSingularValues(ReadOnlySpan<double> singularValues)
    {
        if (singularValues.Length == 0)
            throw new CondenseException("effective rank: no singular values given");
        double sum = 0;
        foreach (var s in singularValues)
        {
            if (!double.IsFinite(s) || s < 0)
                throw new CondenseException($"effective rank: singular value {s} is not a finite non-negative number");
            sum += s;
        }
        if (sum == 0) return 0;
        double entropy = 0;
        foreach (var s in singularValues)
        {
            if (s == 0) continue; // 0·log 0 = 0
            var p = s / sum;
            entropy -= p * Math.Log(p);
        }
        return Math.Exp(entropy);
    }
}
