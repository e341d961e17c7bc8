namespace Condense.Graph;

/// <summary>
/// A node whose weight is an initializer and whose output is a linear map of one captured input:
/// what data-aware quantization works on. The weight is seen as a matrix of
/// <see cref="Rows"/> outputs × <see cref="Columns"/> input features per group.
/// </summary>
/// <param name="Node">The node's name (or "OpType #index" when unnamed), for reports.</param>
/// <param name="Kind">MatMul, Gemm, Conv, or an embedding Gather (<see cref="EmbeddingTables"/>).</param>
/// <param name="Weight">The weight initializer's name.</param>
/// <param name="Input">The value the weight multiplies (captured through ONNX Runtime).</param>
/// <param name="Shape">The weight's ONNX shape.</param>
/// <param name="Rows">Outputs of one group (C_out/group for Conv).</param>
/// <param name="Columns">Input features of one group (C_in/group·kh·kw for Conv).</param>
/// <param name="Groups">Conv groups (1 otherwise): one H per group.</param>
/// <param name="Transposed">The ONNX tensor stores the matrix transposed ([in, out]: MatMul, Gemm with transB = 0).</param>
/// <param name="Conv">Conv attributes (kernel, strides, pads, dilations); the input's size is read from each captured sample.</param>
public sealed record LinearLayer(string Node, LinearLayerKind Kind, string Weight, string Input, long[] Shape,
    int Rows, int Columns, int Groups, bool Transposed, ConvAttributes? Conv = null);

/// <summary>A Conv's attributes in ONNX order; pads [top, left, bottom, right], auto_pad resolved per input size.</summary>
public sealed record ConvAttributes(int KernelHeight, int KernelWidth, int[] Strides, int[] Pads, int[] Dilations, string AutoPad);
