using System.Globalization;

namespace Condense.LowRank;

/// <summary>
/// The rule that picks a layer's rank: a fixed r, an energy fraction, or a tolerance on the relative
/// error. Values are validated when the selection is made, not when it is used, so a bad setting
/// fails before any SVD is paid for.
/// </summary>
/// <remarks>
/// Energy and Frobenius error are two views of one quantity: keeping a fraction e of Σσ_i² leaves a
/// relative Frobenius error of √(1 − e). The spectral rule asks for σ_{r+1}/σ_1 ≤ tolerance, which
/// is the worst-case relative change of the layer's output over all inputs (Eckart–Young–Mirsky).
/// </remarks>
public sealed record RankSelection
{
    RankSelection(RankRule rule, double value, ErrorNorm norm)
    {
        Rule = rule;
        Value = value;
        Norm = norm;
    }

    /// <summary>Which rule applies.</summary>
    public RankRule Rule { get; }

    /// <summary>The rank (Fixed), the energy fraction in (0, 1] (EnergyFraction) or the tolerance in (0, 1) (RelativeError).</summary>
    public double Value { get; }

    /// <summary>The norm a RelativeError tolerance is measured in (ignored by the other rules).</summary>
    public ErrorNorm Norm { get; }

    /// <summary>Exactly rank <paramref name="rank"/> (≥ 1; checked against the matrix when used).</summary>
    public static RankSelection Fixed(int rank)
    {
        if (rank <= 0)
            throw new CondenseException($"rank must be at least 1, got {rank}");
        return new RankSelection(RankRule.Fixed, rank, ErrorNorm.Frobenius);
    }

    /// <summary>The smallest rank keeping at least <paramref name="fraction"/> (0 &lt; fraction ≤ 1) of Σσ_i².</summary>
    public static RankSelection Energy(double fraction)
    {
        if (!(fraction > 0 && fraction <= 1))
            throw new CondenseException($"energy fraction must be in (0, 1], got {fraction.ToString(CultureInfo.InvariantCulture)}");
        return new RankSelection(RankRule.EnergyFraction, fraction, ErrorNorm.Frobenius);
    }

    /// <summary>The smallest rank whose relative error in <paramref name="norm"/> is at most <paramref name="tolerance"/> (0 &lt; tolerance &lt; 1).</summary>
    public static RankSelection Tolerance(double tolerance, ErrorNorm norm = ErrorNorm.Frobenius)
    {
        if (!(tolerance > 0 && tolerance < 1))
            throw new CondenseException($"relative-error tolerance must be in (0, 1), got {tolerance.ToString(CultureInfo.InvariantCulture)}");
        return new RankSelection(RankRule.RelativeError, tolerance, norm);
    }

    /// <summary>
    /// The rank this rule picks for a matrix whose complete singular values (descending) are given.
    /// </summary>
    /// <exception cref="CondenseException">A fixed rank larger than the number of singular values.</exception>
    public int Choose(ReadOnlySpan<double> singularValues)
    {
        double total = 0;
        foreach (var s in singularValues) total += s * s;
        var r = Choose(singularValues, total, residualSquared: 0, spectralGuard: 0);
        // With the whole spectrum every energy or error target is reachable at r = count.
        return r < 0 ? singularValues.Length : r;
    }

    /// <summary>
    /// The rank for a partial spectrum: <paramref name="singularValues"/> are the leading values of a
    /// sketch, <paramref name="totalSquared"/> is ‖W‖_F² and <paramref name="residualSquared"/> the part of
    /// it the sketch does not capture. A spectral target is judged by the sketch's σ_{r+1}, trusted only
    /// when <paramref name="spectralGuard"/> more values follow it (the sketch's last values are its least
    /// accurate). Returns −1 when the target is out of the sketch's reach.
    /// </summary>
    internal int Choose(ReadOnlySpan<double> singularValues, double totalSquared, double residualSquared, int spectralGuard)
    {
        int count = singularValues.Length;
        if (Rule == RankRule.Fixed)
        {
            var rank = (int)Value;
            if (rank > count)
                throw new CondenseException($"rank {rank} exceeds the {count} singular values available");
            return rank;
        }
        if (count == 0 || totalSquared <= 0) return count == 0 ? -1 : 1;
        double kept = 0;
        for (int r = 1; r <= count; r++)
        {
            kept += singularValues[r - 1] * singularValues[r - 1];
            double tail = Math.Max(0, totalSquared - kept);
            bool ok = Rule switch
            {
                RankRule.EnergyFraction => kept >= Value * totalSquared || tail == 0,
                _ when Norm == ErrorNorm.Frobenius => tail <= Value * Value * totalSquared,
                _ =>
                    // Spectral: the optimum is σ_{r+1}; a sketch with oversampling gets close to it.
                    (residualSquared == 0 || r + spectralGuard < count)
                    && (r < count ? singularValues[r] : 0) <= Value * singularValues[0],
            };
            if (ok) return r;
        }
        return -1;
    }

    /// <inheritdoc />
    public override string ToString() => Rule switch
    {
        RankRule.Fixed => $"rank {(int)Value}",
        RankRule.EnergyFraction => $"energy ≥ {Value.ToString("G4", CultureInfo.InvariantCulture)}",
        _ => $"{Norm.ToString().ToLowerInvariant()} error ≤ {Value.ToString("G4", CultureInfo.InvariantCulture)}",
    };
}
