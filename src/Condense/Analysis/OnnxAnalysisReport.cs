namespace Condense.Analysis;

/// <summary>What <c>condense analyze MODEL.onnx</c> measured.</summary>
/// <param name="Model">The model read.</param>
/// <param name="Data">The data's description.</param>
/// <param name="IsRandomData">Seeded random inputs: the figures say little about real use.</param>
/// <param name="CalibrationSamples">Samples GPTQ calibrated on (the calibration samples less the selection samples).</param>
/// <param name="HeldOutSamples">Held-out samples the layer errors were measured on.</param>
/// <param name="SensitivitySamples">
/// Selection samples (calibration samples, none held out) each per-layer model-output figure was measured on: the
/// figures a plan is chosen from.
/// </param>
/// <param name="Original">The original model (bytes, accuracy when labelled).</param>
/// <param name="Layers">Per layer.</param>
/// <param name="Uniform">Every layer at one setting, per setting: the file built and run on <see cref="HeldOutOutputSamples"/> held-out samples.</param>
/// <param name="Untouched">Nodes holding weights that are not analysed, and why.</param>
/// <param name="Elapsed">Wall time of the analysis.</param>
public sealed record OnnxAnalysisReport(string Model, string Data, bool IsRandomData, int CalibrationSamples, int HeldOutSamples,
    int SensitivitySamples, ModelMeasure Original, IReadOnlyList<LayerAnalysis> Layers, IReadOnlyList<ModelMeasure> Uniform,
    IReadOnlyList<string> Untouched, TimeSpan Elapsed)
{
    /// <summary>Held-out samples each reported model-output figure (the original's accuracy, every uniform setting, a plan's file) was measured on.</summary>
    public int HeldOutOutputSamples { get; init; }

    /// <summary>
    /// Sources (photos) whose every calibration sample was withheld as a selection sample, none of their samples fitted on;
    /// 0 when single samples were withheld (every sample its own source, or too few sources).
    /// </summary>
    public int SelectionSources { get; init; }

    /// <summary>
    /// The selection samples are single samples that share their source with samples fitted on (one calibration photo's
    /// crops): nearly in-sample, so the figures a plan is chosen from are optimistic (ResNet18 on two photos: predicted
    /// 0.05, 0.49 held out). More sources (photos) fix it.
    /// </summary>
    public bool SelectionSharesSources { get; init; }

    /// <summary>Which samples each figure is measured on, in words (reports and JSON say it beside the figures).</summary>
    public string SampleUse =>
        $"per-layer model error (sensitivity, what a plan is chosen from): {SensitivitySamples} selection samples taken from the calibration samples" +
        (SelectionSources > 0 ? $" (every sample of {SelectionSources} source{(SelectionSources == 1 ? "" : "s")}, e.g. all crops of a photo)" : "") +
        " and withheld from fitting, none held out" +
        (SelectionSharesSources ? " (WARNING: they share their photo with samples fitted on, so the figures chosen from are optimistic: give more photos)" : "") + "; " +
        $"per-layer layer error: all {HeldOutSamples} held-out samples; uniform settings, the original's accuracy and a plan's file: {HeldOutOutputSamples} held-out samples";

    /// <summary>Settings in the order measured.</summary>
    public IReadOnlyList<string> Settings => Layers.Count == 0 ? [] : [.. Layers[0].Settings.Select(s => s.Setting)];
}
