namespace Condense.Analysis;

/// <summary>
/// One layer under one setting, everything measured: what it costs in the file, what it does to the
/// weight (the seeds' bound) and to the layer's output on held-out inputs, and what compressing
/// this layer alone does to the model's final output.
/// </summary>
/// <param name="Setting">The setting's label.</param>
/// <param name="Bytes">Bytes of the weight's encoding in the written file (initializers and decoding nodes).</param>
/// <param name="WeightError">‖W − Ŵ‖₁ / ‖W‖₁.</param>
/// <param name="Bound">The seeds' bound (5): cond₁(W) · ‖W − Ŵ‖₁ / ‖W‖₁ (cond₁ through the pseudo-inverse).</param>
/// <param name="LayerError">Measured relative output error of the layer on held-out inputs, √(tr(ΔW H ΔWᵀ)/tr(W H Wᵀ)); null for float32.</param>
/// <param name="Kl">KL divergence of the weight histograms, KL(W ‖ Ŵ).</param>
/// <param name="ModelError">Relative error of the model's output, √(Σ‖y − ŷ‖² / Σ‖y‖²), with only this layer compressed.</param>
/// <param name="ModelCosine">Mean cosine of the model's outputs with only this layer compressed.</param>
/// <param name="ModelAccuracy">Held-out accuracy with only this layer compressed, when labels exist.</param>
public sealed record LayerSettingMeasure(string Setting, long Bytes, double WeightError, double Bound, double? LayerError, double Kl,
    double ModelError, double ModelCosine, double? ModelAccuracy);
