using Condense.Analysis;
using Condense.Quantization;

namespace Condense.Formats.Onnx;

/// <summary>
/// A weight that is not decoded in the graph but read by the ONNX Runtime kernel its layer is rewritten to
/// (<see cref="KernelOperator"/>): what that operator's writer needs, and the weight it stands for (the weight-swap
/// session and the layer errors read that). The compressor does not encode it; the layer's node is rewritten.
/// </summary>
/// <param name="Operator">The kernel.</param>
/// <param name="Values">The decoded matrix, rows = outputs × columns = inputs.</param>
/// <param name="Columns">The matrix's columns (the layer's inputs, K).</param>
/// <param name="Codes">MatMulNBits' codes (W [K, N] in blocks along K); null for dynamic int8, whose writer rounds the float weight itself.</param>
public sealed record KernelWeight(KernelOperator Operator, float[] Values, int Columns, BlockCodes? Codes);
