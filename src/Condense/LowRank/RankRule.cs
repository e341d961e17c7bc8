namespace Condense.LowRank;

/// <summary>How a <see cref="RankSelection"/> picks the rank r of a layer's factorisation.</summary>
public enum RankRule
{
    /// <summary>A rank given outright.</summary>
    Fixed,

    /// <summary>The smallest r whose leading singular values keep a fraction of the energy Σσ_i² (‖W‖_F²).</summary>
    EnergyFraction,

    /// <summary>The smallest r whose relative error ‖W − W_r‖/‖W‖ (spectral or Frobenius) is within a tolerance.</summary>
    RelativeError,
}
