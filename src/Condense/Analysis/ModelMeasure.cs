namespace Condense.Analysis;

/// <summary>A whole model (uniform setting, plan, or the original) on the held-out samples.</summary>
/// <param name="Name">"uniform g4", "plan", "original".</param>
/// <param name="Bytes">File bytes.</param>
/// <param name="Error">Relative output error √(Σ‖y − ŷ‖² / Σ‖y‖²) against the original's outputs.</param>
/// <param name="Cosine">Mean cosine with the original's outputs.</param>
/// <param name="Accuracy">Accuracy, when labels exist.</param>
public sealed record ModelMeasure(string Name, long Bytes, double Error, double Cosine, double? Accuracy);
