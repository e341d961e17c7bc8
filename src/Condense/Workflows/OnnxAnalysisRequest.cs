using Condense.Analysis;
using Condense.Calibration;
using Condense.Quantization.Gptq;

namespace Condense.Workflows;

/// <summary>
/// Analyse any ONNX model's MatMul/Gemm/Conv layers on the user's data. Each setting is checked when it
/// is set (constructor or <c>with</c>). The one rule on the samples' count — at least two calibration
/// samples, some to fit on and some to choose on — is checked by <see cref="OnnxAnalysis.Analyze"/> before it reads the model,
/// since analysis itself narrows <see cref="Data"/> to the samples it fits on.
/// </summary>
/// <param name="ModelPath">The ONNX model (never modified).</param>
/// <param name="Data">Calibration (GPTQ's H, and the selection samples) and held-out samples (every figure reported).</param>
/// <param name="Settings">Settings measured per layer (<see cref="QuantizationSetting.Defaults"/> when null); float32 is always the baseline.</param>
/// <param name="SensitivitySamples">
/// Selection samples the model's output is measured on per (layer, setting), one ONNX Runtime run each: the figures the
/// planner chooses from. Taken from the calibration samples and withheld from fitting (<see cref="SelectionSplit"/>), never
/// the held-out ones, so a plan is not chosen on the samples its error is reported on; at most half the calibration count.
/// Where samples share a source (an image folder's crops) whole sources are withheld, so there can be more than this.
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

    /// <summary>Calibration and held-out samples; at least one held out.</summary>
    public CalibrationData Data { get; init => field = CheckData(value); } = CheckData(Data);

    /// <summary>Settings measured per layer; at least one besides float32 (null: <see cref="QuantizationSetting.Defaults"/>).</summary>
    public IReadOnlyList<QuantizationSetting>? Settings { get; init => field = CheckSettings(value); } = CheckSettings(Settings);

    /// <summary>Held-out samples the output is measured on per (layer, setting); 1–4096.</summary>
    public int SensitivitySamples { get; init => field = CheckSamples(value); } = CheckSamples(SensitivitySamples);

    /// <summary>ONNX Runtime threads; at least 1.</summary>
    public int Threads { get; init => field = CheckThreads(value); } = CheckThreads(Threads);

    /// <summary>Held-out samples every reported figure is measured on; at least 1 (null: all).</summary>
    public int? HeldOutSamples { get; init => field = CheckHeldOut(value); } = CheckHeldOut(HeldOutSamples);

    /// <summary>The held-out samples the reported figures are measured on: the first <see cref="HeldOutSamples"/> (all when null).</summary>
    public int HeldOutCount => Math.Min(HeldOutSamples ?? int.MaxValue, Data.HeldOut.Count);

    /// <summary>
    /// Throws when fewer than two calibration samples are given: some are fitted on, some chosen on (the selection
    /// split), never the held-out ones. Checked by <see cref="OnnxAnalysis.Analyze"/>, not on <see cref="Data"/>'s
    /// init, because analysis narrows <see cref="Data"/> to the fitting samples with <c>with</c>.
    /// </summary>
    internal void RequireCalibration()
    {
        if (Data.Calibration.Count < 2)
            throw new CondenseException($"{Data.Description}: {Data.Calibration.Count} calibration sample(s): at least 2 are needed, some to fit on and some to choose on (sensitivities are measured on calibration samples withheld from fitting, never on held-out ones)");
    }

    static CalibrationData CheckData(CalibrationData value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.HeldOut.Count > 0 ? value : throw new CondenseException($"{value.Description}: no held-out sample to measure on");
    }

    static IReadOnlyList<QuantizationSetting>? CheckSettings(IReadOnlyList<QuantizationSetting>? value) =>
        value is null || value.Any(s => !s.Keep) ? value : throw new CondenseException("analyze: no setting to measure besides fp32");

    static int CheckSamples(int value) => value is >= 1 and <= 4096 ? value : throw new CondenseException($"sensitivity samples must be 1–4096, got {value}");

    static int? CheckHeldOut(int? value) => value is null or >= 1 ? value : throw new CondenseException($"held-out samples must be at least 1, got {value}");

    static int CheckThreads(int value) => value >= 1 ? value : throw new CondenseException($"threads must be at least 1, got {value}");
}
