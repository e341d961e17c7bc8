using TorchSharp;
using static TorchSharp.torch;

namespace Condense.LowRank;

/// <summary>
/// A rank-r factorisation W ≈ Left · Right of an m×n matrix, with Left = U_r·diag(σ_1..σ_r) (m×r)
/// and Right = V_rᵀ (r×n): the two weight matrices of the 784→r→1000-style layer pair that replaces
/// W. Owns its two tensors (dispose it); the metrics are plain numbers computed when it was made.
/// </summary>
public sealed class LowRankApproximation : IDisposable
{
    internal LowRankApproximation(Tensor left, Tensor right, double[] singularValues, double[] spectrum,
        double totalSquared, double? relativeSpectralError, string method)
    {
        Left = left;
        Right = right;
        SingularValues = singularValues;
        Spectrum = spectrum;
        double kept = 0;
        foreach (var s in singularValues) kept += s * s;
        EnergyKept = Energy(kept, totalSquared);
        RelativeFrobeniusError = FrobeniusFromEnergy(kept, totalSquared);
        RelativeSpectralError = relativeSpectralError;
        Method = method;
    }

    static double Energy(double kept, double totalSquared) => totalSquared > 0 ? Math.Min(1, kept / totalSquared) : 1;

    /// <summary>
    /// ‖W − W_r‖_F / ‖W‖_F from the squared singular values kept: ‖W − W_r‖_F² = ‖W‖_F² − Σ_{i≤r} σ_i²
    /// holds for the truncated SVD and, because the residual of the projection QQᵀW is orthogonal
    /// to Q, for the randomized one too.
    /// </summary>
    internal static double FrobeniusFromEnergy(double kept, double totalSquared) => Math.Sqrt(Math.Max(0, 1 - Energy(kept, totalSquared)));

    /// <summary>U_r·diag(σ), m×r.</summary>
    public Tensor Left { get; }

    /// <summary>V_rᵀ, r×n.</summary>
    public Tensor Right { get; }

    /// <summary>The r singular values kept, descending.</summary>
    public IReadOnlyList<double> SingularValues { get; }

    /// <summary>Every singular value the method saw: all min(m, n) for the exact SVD, r + p for the randomized sketch.</summary>
    public IReadOnlyList<double> Spectrum { get; }

    /// <summary>r.</summary>
    public int Rank => SingularValues.Count;

    /// <summary>m.</summary>
    public long Rows => Left.shape[0];

    /// <summary>n.</summary>
    public long Columns => Right.shape[1];

    /// <summary>Σ_{i≤r} σ_i² / ‖W‖_F², the fraction of the energy kept.</summary>
    public double EnergyKept { get; }

    /// <summary>‖W − W_r‖_F / ‖W‖_F.</summary>
    public double RelativeFrobeniusError { get; }

    /// <summary>‖W − W_r‖₂ / ‖W‖₂: exactly σ_{r+1}/σ_1 for the truncated SVD; null for the randomized one (measure it with <see cref="LowRankError.Measure(Tensor, LowRankApproximation)"/>, which costs a full SVD).</summary>
    public double? RelativeSpectralError { get; }

    /// <summary>"truncated" or "randomized".</summary>
    public string Method { get; }

    /// <summary>r(m + n): the weights of the two factors.</summary>
    public long ParameterCount => Rank * (Rows + Columns);

    /// <summary>mn / (r(m + n)): how many times smaller (original ÷ compressed, the inverse of a ratio); below 1 the factorisation is larger than W.</summary>
    public double TimesSmaller => (double)Rows * Columns / ParameterCount;

    /// <summary>W_r = Left·Right as a new m×n tensor (the caller owns it).</summary>
    public Tensor Reconstruct() => Left.mm(Right);

    /// <summary>Frees the factors (LibTorch memory).</summary>
    public void Dispose()
    {
        Left.Dispose();
        Right.Dispose();
    }
}
