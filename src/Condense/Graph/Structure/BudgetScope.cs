namespace Condense.Graph.Structure;

/// <summary>How a structural budget is shared out among groups.</summary>
public enum BudgetScope
{
    /// <summary>The same fraction of every prunable group's channels (a per-layer budget).</summary>
    Uniform,

    /// <summary>One ranking over all channels (scores normalised by each group's mean), least important first.</summary>
    Global,

    /// <summary>
    /// One ranking over all channels by the relative output error their removal causes (the
    /// reconstruction score over the consumer's output energy) per FLOP it saves: the knapsack
    /// greedy, which spares layers whose channels are costly in error and cheap in FLOPs (ResNet's
    /// stage 4: 8× fewer FLOPs per channel than stage 1).
    /// </summary>
    PerFlop,
}
