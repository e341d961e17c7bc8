using System.Text.Json.Serialization;

namespace Condense.Workflows.Quantize;

/// <summary>
/// One linear layer after quantization: what it stores (bytes by part, so a reader sees where a
/// codebook or scale table goes) and what it costs (element-wise errors, the operator bound
/// cond₁·‖W−Q‖₁/‖W‖₁ and the output error measured on the inputs the layer really sees).
/// </summary>
/// <param name="Name">The layer's name in the model.</param>
/// <param name="Shape">Weight shape [rows, cols].</param>
/// <param name="Quantizer">The quantizer, described (method, bits, granularity).</param>
/// <param name="Bits">Bits per weight.</param>
/// <param name="Levels">Distinct values a weight can take.</param>
/// <param name="WeightBytesBefore">float32 bytes of the weight.</param>
/// <param name="WeightBytesAfter">Stored bytes of the quantized weight (payload + codebook + parameters + tables).</param>
/// <param name="PayloadBytes">Packed codes.</param>
/// <param name="CodebookBytes">k-means codebooks.</param>
/// <param name="ParameterBytes">Linear scales and zero points.</param>
/// <param name="TableBytes">Huffman tables.</param>
/// <param name="BiasBytesBefore">float32 bytes of the bias (0 without one).</param>
/// <param name="BiasBytesAfter">Stored bytes of the bias.</param>
/// <param name="BytesBefore">Weight + bias before.</param>
/// <param name="BytesAfter">Weight + bias after.</param>
/// <param name="TimesSmaller">BytesBefore / BytesAfter (how many times smaller: the inverse of a ratio, which is compressed ÷ original).</param>
/// <param name="MeanAbsError">Mean |W−Q|.</param>
/// <param name="MaxAbsError">Max |W−Q|.</param>
/// <param name="SqnrDb">Signal-to-quantization-noise ratio, dB.</param>
/// <param name="OneNorm">‖W‖₁ (largest absolute column sum).</param>
/// <param name="RelativeOneNormError">‖W−Q‖₁/‖W‖₁.</param>
/// <param name="Cond1">cond₁(W), the 1-norm condition number.</param>
/// <param name="Bound">The operator bound on the relative output error.</param>
/// <param name="MeasuredOutputErrorMean">Measured relative output error, mean over the samples.</param>
/// <param name="MeasuredOutputErrorMax">Measured relative output error, max over the samples.</param>
/// <param name="HistogramKl">KL divergence between the weight histograms before and after.</param>
public sealed record QuantizedLayerReport(
    string Name, IReadOnlyList<int> Shape, string Quantizer, int Bits, int Levels,
    long WeightBytesBefore, long WeightBytesAfter, long PayloadBytes, long CodebookBytes, long ParameterBytes, long TableBytes,
    long BiasBytesBefore, long BiasBytesAfter, long BytesBefore, long BytesAfter, double TimesSmaller,
    double MeanAbsError, double MaxAbsError, double SqnrDb, double OneNorm,
    [property: JsonPropertyName("rel_1norm_error")] double RelativeOneNormError,
    double Cond1, double Bound, double MeasuredOutputErrorMean, double MeasuredOutputErrorMax, double HistogramKl);
