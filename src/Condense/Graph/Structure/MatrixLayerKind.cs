namespace Condense.Graph.Structure;

/// <summary>The three ONNX ops whose stored weight is a matrix product: what structured pruning and low rank rewrite.</summary>
public enum MatrixLayerKind
{
    /// <summary>Conv with group 1, seen through im2col: each output position is a row of C_in·kh·kw features.</summary>
    Conv,

    /// <summary>Gemm with a stored B (transA = 0).</summary>
    Gemm,

    /// <summary>MatMul with a stored 2-D B on the right.</summary>
    MatMul,
}
