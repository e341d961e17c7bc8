namespace Condense.Graph.Structure;

/// <summary>What a structural budget counts.</summary>
public enum BudgetKind
{
    /// <summary>Multiply–adds ×2 of the layers a pass changes.</summary>
    Flops,

    /// <summary>Stored parameters of the layers a pass changes.</summary>
    Parameters,

    /// <summary>Channels (neurons) of the prunable groups, whatever they cost.</summary>
    Channels,
}
