namespace Condense.Workflows;

/// <summary>One layer of a data-aware compression, measured on held-out inputs.</summary>
/// <param name="Node">The node's name.</param>
/// <param name="OpType">MatMul, Gemm or Conv.</param>
/// <param name="Weight">The weight initializer.</param>
/// <param name="Rows">Outputs (all groups).</param>
/// <param name="Columns">Inputs per group (C_in/group·kh·kw for Conv).</param>
/// <param name="Encoding">How the weight was quantized.</param>
/// <param name="OutputError">‖(W−Ŵ)x‖/‖Wx‖ over the held-out inputs, of the weights written.</param>
/// <param name="DataFreeOutputError">The same for round-to-nearest on the same grid or codebooks.</param>
/// <param name="SeedsBound">cond₁(W)·‖W−Ŵ‖₁/‖W‖₁: the data-free bound on the relative output error (1-norm).</param>
public sealed record DataAwareLayerReport(string Node, string OpType, string Weight, int Rows, int Columns, string Encoding,
    double OutputError, double DataFreeOutputError, double SeedsBound);
