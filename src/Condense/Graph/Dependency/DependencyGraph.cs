namespace Condense.Graph.Dependency;

/// <summary>The channel groups of a graph (<see cref="DependencyAnalysis.Analyze"/>): prunable ones and those left whole, with the reason.</summary>
public sealed record DependencyGraph(IReadOnlyList<ChannelGroup> Groups)
{
    /// <summary>Groups that can be pruned.</summary>
    public IEnumerable<ChannelGroup> Prunable => Groups.Where(g => g.Prunable);

    /// <summary>Groups left whole, each with its first reason: what a report names.</summary>
    public IEnumerable<(ChannelGroup Group, string Reason)> LeftWhole =>
        Groups.Where(g => !g.Prunable).Select(g => (g, g.Blocked.Count > 0 ? g.Blocked[0] : "no layer reads it through a weight"));
}
