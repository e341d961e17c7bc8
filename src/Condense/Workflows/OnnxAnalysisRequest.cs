using Condense.Analysis;
using Condense.Calibration;
using Condense.Quantization.Gptq;

namespace Condense.Workflows;

/// <summary>
/// Analyse any ONNX model's MatMul/Gemm/Conv layers on the user's data. Each setting is checked when it
/// is set (constructor or <c>with</c>). The one rule that joins two settings — GPTQ settings need
/// calibration samples — is checked by <see cref="OnnxAnalysis.Analyze"/> before it reads the model,
/// since an init accessor cannot know whether the other setting is still to come.
/// </summary>
/// <param name="ModelPath">The ONNX model (never modified).</param>
/// <param name="Data">Calibration (GPTQ's H) and held-out samples (every error).</param>
/// <param name="Settings">Settings measured per layer (<see cref="QuantizationSetting.Defaults"/> when null); float32 is always the baseline.</param>
/// <param name="SensitivitySamples">Held-out samples the model's output is measured on per (layer, setting): one ONNX Runtime run each.</param>
/// <param name="MinSize">Weights with fewer elements are not analysed (left float32).</param>
/// <param name="Gptq">GPTQ's dampening and block size.</param>
/// <param name="Seed">k-means initialisation.</param>
/// <param name="Threads">ONNX Runtime threads.</param>
/// <param name="Progress">A line per stage, or null.</param>
/// <param name="Exclude">ONNX node names left out of analysis (float32, not measured); each must name a node.</param>
public sealed record OnnxAnalysisRequest(string ModelPath, CalibrationData Data, IReadOnlyList<QuantizationSetting>? Settings = null,
    int SensitivitySamples = 4, long MinSize = 1024, GptqOptions? Gptq = null, int Seed = 0, int Threads = 1, Action<string>? Progress = null,
    IReadOnlyList<string>? Exclude = null)
{
    /// <summary>The settings measured, float32 excluded.</summary>
    public IReadOnlyList<QuantizationSetting> EffectiveSettings =>
        [.. (Settings ?? QuantizationSetting.Defaults).Where(s => !s.Keep).DistinctBy(s => s.Label)];

    /// <summary>Calibration and held-out samples; at least one held out.</summary>
    public CalibrationData Data { get; init => field = CheckData(value); } = CheckData(Data);

    /// <summary>Settings measured per layer; at least one besides float32 (null: <see cref="QuantizationSetting.Defaults"/>).</summary>
    public IReadOnlyList<QuantizationSetting>? Settings { get; init => field = CheckSettings(value); } = CheckSettings(Settings);

    /// <summary>Held-out samples the output is measured on per (layer, setting); 1–4096.</summary>
    public int SensitivitySamples { get; init => field = CheckSamples(value); } = CheckSamples(SensitivitySamples);

    /// <summary>ONNX Runtime threads; at least 1.</summary>
    public int Threads { get; init => field = CheckThreads(value); } = CheckThreads(Threads);

    /// <summary>Throws when a GPTQ setting is asked for without calibration samples (the one cross-setting rule).</summary>
    internal void RequireCalibrationForGptq()
    {
        if (Data.Calibration.Count == 0 && EffectiveSettings.Any(s => s.Gptq)) throw new CondenseException($"{Data.Description}: no calibration sample for GPTQ");
    }

    static CalibrationData CheckData(CalibrationData value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.HeldOut.Count > 0 ? value : throw new CondenseException($"{value.Description}: no held-out sample to measure on");
    }

    static IReadOnlyList<QuantizationSetting>? CheckSettings(IReadOnlyList<QuantizationSetting>? value) =>
        value is null || value.Any(s => !s.Keep) ? value : throw new CondenseException("analyze: no setting to measure besides fp32");

    static int CheckSamples(int value) => value is >= 1 and <= 4096 ? value : throw new CondenseException($"sensitivity samples must be 1–4096, got {value}");

    static int CheckThreads(int value) => value >= 1 ? value : throw new CondenseException($"threads must be at least 1, got {value}");
}
