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

    /// <summary>All at once, each on inputs captured from the original model (<see cref="LeastSquaresRefit"/>): one pass, blind to upstream error.</summary>
    Once,
}
