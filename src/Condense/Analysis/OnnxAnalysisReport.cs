namespace Condense.Analysis;

/// <summary>What <c>condense analyze MODEL.onnx</c> measured.</summary>
/// <param name="Model">The model read.</param>
/// <param name="Data">The data's description.</param>
/// <param name="IsRandomData">Seeded random inputs: the figures say little about real use.</param>
/// <param name="CalibrationSamples">Samples GPTQ calibrated on.</param>
/// <param name="HeldOutSamples">Samples the layer errors were measured on.</param>
/// <param name="SensitivitySamples">Held-out samples each model-output figure was measured on.</param>
/// <param name="Original">The original model (bytes, accuracy when labelled).</param>
/// <param name="Layers">Per layer.</param>
/// <param name="Uniform">Every layer at one setting, per setting.</param>
/// <param name="Untouched">Nodes holding weights that are not analysed, and why.</param>
/// <param name="Elapsed">Wall time of the analysis.</param>
public sealed record OnnxAnalysisReport(string Model, string Data, bool IsRandomData, int CalibrationSamples, int HeldOutSamples,
    int SensitivitySamples, ModelMeasure Original, IReadOnlyList<LayerAnalysis> Layers, IReadOnlyList<ModelMeasure> Uniform,
    IReadOnlyList<string> Untouched, TimeSpan Elapsed)
{
    /// <summary>Settings in the order measured.</summary>
    public IReadOnlyList<string> Settings => Layers.Count == 0 ? [] : [.. Layers[0].Settings.Select(s => s.Setting)];
}
