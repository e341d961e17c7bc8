namespace Condense.Graph.Structure;

/// <summary>One layer a structured pass changed: its cost before and after, and whether it was refitted.</summary>
public sealed record PrunedLayer(string Node, string Op, double FlopsBefore, double FlopsAfter, long ParamsBefore, long ParamsAfter, bool Refitted);
