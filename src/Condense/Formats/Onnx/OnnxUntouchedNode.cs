namespace Condense.Formats.Onnx;

/// <summary>
/// A node whose weight a compression method left as it was, and why: a weight that is not
/// float32 (float16, an integer lookup table), that holds NaN or infinity. The model
/// still runs and is still smaller elsewhere; the report names these so a user knows which
/// layers kept their size and need another method (one line per node, never a crash).
/// </summary>
/// <param name="Node">The node's name (its op type and index in its graph when unnamed).</param>
/// <param name="OpType">Its operator, with the domain when not the default one.</param>
/// <param name="Reason">Why its weight was not compressed, naming the weight.</param>
public sealed record OnnxUntouchedNode(string Node, string OpType, string Reason)
{
    /// <summary>The graph the node is in: <c>""</c> for the main graph, else e.g. <c>Loop_3/body</c>.</summary>
    public string GraphPath { get; init; } = "";

    /// <summary>One line: graph path, node, op type and reason.</summary>
    public override string ToString() =>
        $"{(GraphPath.Length > 0 ? GraphPath + "/" : "")}{Node} ({OpType}): {Reason}";
}
