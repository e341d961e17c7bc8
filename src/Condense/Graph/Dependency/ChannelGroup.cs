namespace Condense.Graph.Dependency;

/// <summary>
/// Output channels that must be removed together (DepGraph's "group"): channel <c>i</c> of every
/// producer in the group is one channel, because an Add, a Mul or a depthwise convolution
/// ties them; removing it removes every <see cref="Slices"/> entry at once.
/// </summary>
/// <param name="Id">Index in <see cref="DependencyGraph.Groups"/>.</param>
/// <param name="Width">Channels in the group.</param>
/// <param name="Producers">Nodes whose weights create the channels (Conv, Gemm, MatMul).</param>
/// <param name="Consumers">Nodes that read the channels through a weight (the layers a refit solves for).</param>
/// <param name="Slices">Every tensor entry a removed channel takes with it.</param>
/// <param name="Blocked">Why the group cannot be pruned (graph output, an op not understood, a shared weight …); null when it can.</param>
/// <param name="Label">A name for reports instead of the first producer's (attention heads: "heads of" the output projection).</param>
/// <param name="Heads">An attention-head group (<see cref="AttentionHeads"/>): a "channel" is one head, a block of D columns of Q, K and V.</param>
public sealed record ChannelGroup(
    int Id, int Width, IReadOnlyList<string> Producers, IReadOnlyList<string> Consumers,
    IReadOnlyList<ChannelSlice> Slices, IReadOnlyList<string> Blocked, string? Label = null, bool Heads = false)
{
    /// <summary>Whether the group can be pruned: nothing blocks it and something downstream reads it through a weight.</summary>
    public bool Prunable => Blocked.Count == 0 && Consumers.Count > 0;

    /// <summary>A short name for tables: the first producer, and how many more.</summary>
    public string Name => Label ?? (Producers.Count == 1 ? Producers[0] : $"{Producers[0]} (+{Producers.Count - 1} tied)");
}
