using static TorchSharp.torch;

namespace Condense.Metrics;

/// <summary>
/// Effective rank (Roy &amp; Vetterli, "The effective rank: a measure of effective
/// dimensionality", EUSIPCO 2007): erank = exp(H(p)), pₖ = σₖ/Σσ, H = −Σ pₖ log pₖ with
/// 0·log 0 = 0. It is n for an identity (all directions equal) and 1 for a rank-1 matrix, and
/// tells how much a low-rank factorisation can drop.
/// </summary>
public static class EffectiveRank
{
    /// <summary>From singular values (any order, all ≥ 0). 0 for an all-zero spectrum.</summary>
    public static double FromSingularValues(ReadOnlySpan<double> singularValues)
    {
        if (singularValues.IsEmpty) throw new CondenseException("effective rank: no singular values");
        double sum = 0;
        foreach (var s in singularValues)
        {
            if (!(s >= 0) || !double.IsFinite(s)) throw new CondenseException($"effective rank: singular value {s} is not a finite number ≥ 0");
            sum += s;
        }
        if (sum == 0) return 0;
        double h = 0;
        foreach (var s in singularValues)
        {
            if (s == 0) continue;   // 0·log 0 = 0
            double p = s / sum;
            h -= p * Math.Log(p);
        }
        return Math.Exp(h);
    }

    /// <summary>Of a row-major rows × columns matrix (singular values by LibTorch in float64).</summary>
    public static double Compute(ReadOnlySpan<float> a, int rows, int columns) =>
        FromSingularValues(SingularValues(a, rows, columns));

    /// <summary>Singular values, descending, in float64.</summary>
    public static double[] SingularValues(ReadOnlySpan<float> a, int rows, int columns)
    {
        MatrixNorms.CheckShape(a.Length, rows, columns);
        using var scope = NewDisposeScope();
        var t = tensor(a.ToArray(), new long[] { rows, columns }).to_type(ScalarType.Float64);
        return linalg.svdvals(t).data<double>().ToArray();
    }
}
