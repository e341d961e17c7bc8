namespace Condense.Graph.Structure;

/// <summary>How a structural budget is shared out among groups.</summary>
public enum BudgetScope
{
    /// <summary>The same fraction of every prunable group's channels (a per-layer budget).</summary>
    Uniform,

    /// <summary>One ranking over all channels (scores normalised by each group's mean), least important first.</summary>
    Global,
}
