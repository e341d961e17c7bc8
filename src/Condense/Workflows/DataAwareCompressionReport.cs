using Condense.Formats.Onnx;

namespace Condense.Workflows;

/// <summary>What a data-aware compression wrote and what it cost, every error on held-out inputs.</summary>
/// <param name="Input">The model read.</param>
/// <param name="Output">The model written.</param>
/// <param name="Mode">"gptq" or "data-free" (round to nearest on the same grids or codebooks).</param>
/// <param name="Data">The data's description.</param>
/// <param name="IsRandomData">The data was seeded random: the figures mean little.</param>
/// <param name="CalibrationSamples">Samples calibrated on.</param>
/// <param name="HeldOutSamples">Samples measured on.</param>
/// <param name="BytesBefore">Input file bytes.</param>
/// <param name="BytesAfter">Output file bytes.</param>
/// <param name="Layers">Per layer: held-out output errors and the seeds' bound.</param>
/// <param name="Untouched">One line per node holding weights the method cannot handle (encoded without data).</param>
/// <param name="Tensors">Per tensor: encoding, bytes and weight error, as <c>compress</c> reports them.</param>
/// <param name="QualityMetric">"mean cosine" of the outputs (sentence embeddings pooled by the attention mask) or "accuracy".</param>
/// <param name="Quality">The written model's figure on the held-out samples.</param>
/// <param name="DataFreeQuality">The round-to-nearest model's figure, when compared.</param>
/// <param name="OriginalQuality">The original's figure (accuracy; 1 for cosine).</param>
/// <param name="StatisticsBytes">Memory held by the layer-input statistics at once (one set: calibration, then held out).</param>
/// <param name="CaptureTime">Running the samples and accumulating XᵀX (both sets), and the held-out errors.</param>
/// <param name="QuantizeTime">GPTQ (and the comparison) over all layers.</param>
public sealed record DataAwareCompressionReport(
    string Input, string Output, string Mode, string Data, bool IsRandomData, int CalibrationSamples, int HeldOutSamples,
    long BytesBefore, long BytesAfter, IReadOnlyList<DataAwareLayerReport> Layers, IReadOnlyList<string> Untouched,
    IReadOnlyList<OnnxTensorReport> Tensors, string QualityMetric, double Quality, double? DataFreeQuality, double OriginalQuality,
    long StatisticsBytes, TimeSpan CaptureTime, TimeSpan QuantizeTime);
