using Condense.Analysis;
using Condense.Calibration;
using Condense.Quantization.Gptq;

namespace Condense.Workflows;

/// <summary>Analyse any ONNX model's MatMul/Gemm/Conv layers on the user's data.</summary>
/// <param name="ModelPath">The ONNX model (never modified).</param>
/// <param name="Data">Calibration (GPTQ's H, and the selection samples) and held-out samples (every figure reported).</param>
/// <param name="Settings">Settings measured per layer (<see cref="QuantizationSetting.Defaults"/> when null); float32 is always the baseline.</param>
/// <param name="SensitivitySamples">
/// Selection samples the model's output is measured on per (layer, setting), one ONNX Runtime run each: the figures the
/// planner chooses from. Taken from the calibration samples and withheld from fitting (<see cref="SelectionSplit"/>), never
/// the held-out ones, so a plan is not chosen on the samples its error is reported on; at most half the calibration count.
/// </param>
/// <param name="MinSize">Weights with fewer elements are not analysed (left float32).</param>
/// <param name="Gptq">GPTQ's dampening and block size.</param>
/// <param name="Seed">k-means initialisation.</param>
/// <param name="Threads">ONNX Runtime threads.</param>
/// <param name="Progress">A line per stage, or null.</param>
/// <param name="Exclude">ONNX node names left out of analysis (float32, not measured); each must name a node.</param>
/// <param name="HeldOutSamples">Held-out samples every reported model-output figure (uniform settings, a plan's file) is measured on; all when null.</param>
public sealed record OnnxAnalysisRequest(string ModelPath, CalibrationData Data, IReadOnlyList<QuantizationSetting>? Settings = null,
    int SensitivitySamples = 4, long MinSize = 1024, GptqOptions? Gptq = null, int Seed = 0, int Threads = 1, Action<string>? Progress = null,
    IReadOnlyList<string>? Exclude = null, int? HeldOutSamples = null)
{
    /// <summary>The settings measured, float32 excluded.</summary>
    public IReadOnlyList<QuantizationSetting> EffectiveSettings =>
        [.. (Settings ?? QuantizationSetting.Defaults).Where(s => !s.Keep).DistinctBy(s => s.Label)];

    /// <summary>The held-out samples the reported figures are measured on: the first <see cref="HeldOutSamples"/> (all when null).</summary>
    public int HeldOutCount => Math.Min(HeldOutSamples ?? int.MaxValue, Data?.HeldOut.Count ?? 0);

    /// <summary>Checks every value; bad ones are quoted in a <see cref="CondenseException"/>.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Data);
        if (EffectiveSettings.Count == 0) throw new CondenseException("analyze: no setting to measure besides fp32");
        if (SensitivitySamples is < 1 or > 4096) throw new CondenseException($"sensitivity samples must be in 1..4096, not {SensitivitySamples}");
        if (Data.HeldOut.Count == 0) throw new CondenseException($"{Data.Description}: no held-out sample to measure on");
        if (HeldOutSamples is < 1) throw new CondenseException($"held-out samples must be ≥ 1, not {HeldOutSamples}");
        if (Data.Calibration.Count < 2) throw new CondenseException($"{Data.Description}: {Data.Calibration.Count} calibration sample(s): at least 2 are needed, some to fit on and some to choose on (sensitivities are measured on calibration samples withheld from fitting, never on held-out ones)");
        if (Threads < 1) throw new CondenseException($"threads must be ≥ 1, not {Threads}");
    }
}
