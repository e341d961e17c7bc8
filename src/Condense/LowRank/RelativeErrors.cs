namespace Condense.LowRank;

/// <summary>‖W − W̃‖/‖W‖ in the spectral and Frobenius norms.</summary>
public sealed record RelativeErrors(double Spectral, double Frobenius);
