namespace Condense.Graph.Structure;

/// <summary>How the consumers of removed channels are refitted by least squares.</summary>
public enum RefitMode
{
    /// <summary>
    /// Layer by layer in graph order, each on the inputs of the already pruned and refitted network
    /// against the original network's output (<see cref="SequentialRefit"/>): later layers correct
    /// the error accumulated upstream. Two ONNX Runtime runs per sample per refitted layer.
    /// </summary>
    Sequential,

    /// <summary>
    /// As <see cref="Sequential"/>, and a layer whose output joins a residual <c>Add</c> is fitted
    /// so the sum matches the original block's output: it also absorbs the error arriving through
    /// the skip connection.
    /// </summary>
    Residual,

    /// <summary>
    /// As <see cref="Sequential"/>, and every other Conv/Gemm/MatMul between the first cut and the
    /// last refitted layer is refitted too (no input removed), so layers that only carry the
    /// accumulated error (a block's first conv, a shortcut) correct it as well.
    /// </summary>
    All,

    /// <summary>All at once, each on inputs captured from the original model (<see cref="LeastSquaresRefit"/>): one pass, blind to upstream error.</summary>
    Once,
}
