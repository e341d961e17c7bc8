namespace Condense.LowRank;

/// <summary>The matrix norm in which an approximation error ‖W − W_r‖ is measured, relative to ‖W‖ in the same norm.</summary>
public enum ErrorNorm
{
    /// <summary>Largest singular value: the worst-case gain error on any input (σ_{r+1}/σ_1 for the truncated SVD).</summary>
    Spectral,

    /// <summary>Root of the sum of squares of all entries: the average error (√(Σ_{i&gt;r} σ_i²)/‖W‖_F for the truncated SVD).</summary>
    Frobenius,
}
