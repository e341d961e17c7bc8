using Condense.Formats.Onnx;

namespace Condense.Workflows.Sparsity;

/// <summary>One pruned layer, measured on held-out inputs.</summary>
/// <param name="Node">The node's name.</param>
/// <param name="OpType">MatMul, Gemm or Conv.</param>
/// <param name="Weight">The weight initializer.</param>
/// <param name="Rows">Outputs (all groups).</param>
/// <param name="Columns">Inputs per group.</param>
/// <param name="Sparsity">Share of the written weight's values that are zero.</param>
/// <param name="OutputError">‖(W−Ŵ)x‖/‖Wx‖ over the held-out inputs, of the weights written.</param>
/// <param name="MagnitudeOutputError">The same for magnitude pruning at the same sparsity (null when not compared).</param>
public sealed record OnnxSparsityLayer(string Node, string OpType, string Weight, int Rows, int Columns, double Sparsity,
    double OutputError, double? MagnitudeOutputError);

/// <summary>What pruning an ONNX model's weights did, measured on the written graph.</summary>
/// <param name="ModelPath">The input model.</param>
/// <param name="OutputPath">The model written.</param>
/// <param name="Method">"sparsegpt" or "magnitude".</param>
/// <param name="Sparsity">The share asked for.</param>
/// <param name="Data">Where the data came from.</param>
/// <param name="DataIsRandom">True when the data is seeded random inputs (the figures then mean little).</param>
/// <param name="CalibrationSamples">Samples SparseGPT's statistics came from (0 for magnitude).</param>
/// <param name="HeldOutSamples">Samples every figure is measured on.</param>
/// <param name="Layers">Per pruned layer.</param>
/// <param name="Untouched">Nodes holding weights that were left as they were, and why.</param>
/// <param name="Encoding">How the weights are stored ("float32, zeros in place" or the compressor's method with sparse tensors).</param>
/// <param name="Tensors">Per tensor, what the compressor chose (empty for float32).</param>
/// <param name="BytesBefore">File bytes of the input.</param>
/// <param name="BytesAfter">File bytes written.</param>
/// <param name="Metric">"accuracy" (labelled data) or "mean cosine" (against the original's outputs).</param>
/// <param name="Quality">The written model's figure.</param>
/// <param name="MagnitudeQuality">Magnitude pruning's figure at the same sparsity and encoding (null when not compared).</param>
/// <param name="OriginalQuality">The original's figure (1 for cosine).</param>
/// <param name="Seconds">Wall time of statistics, solving and checks.</param>
public sealed record OnnxSparsityReport(string ModelPath, string OutputPath, string Method, double Sparsity, string Data, bool DataIsRandom,
    int CalibrationSamples, int HeldOutSamples, IReadOnlyList<OnnxSparsityLayer> Layers, IReadOnlyList<string> Untouched,
    string Encoding, IReadOnlyList<OnnxTensorReport> Tensors, long BytesBefore, long BytesAfter,
    string Metric, double Quality, double? MagnitudeQuality, double OriginalQuality, double Seconds);
