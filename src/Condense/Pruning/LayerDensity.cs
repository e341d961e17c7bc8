namespace Condense.Pruning;

/// <summary>
/// How much of one layer's weight survives. <see cref="Collapsed"/> flags layer collapse: a layer
/// pruned to zero cuts every path from input to output, and the network is then useless whatever
/// the other layers keep (Tanaka et al. 2020).
/// </summary>
public sealed record LayerDensity(string Name, long Total, long Nonzero)
{
    /// <summary>Share of weights kept, nonzero / total (0 for an empty layer).</summary>
    public double Density => Total == 0 ? 0 : (double)Nonzero / Total;
    /// <summary>Whether pruning removed every weight of the layer: the network then outputs a constant, which reports flag.</summary>
    public bool Collapsed => Nonzero == 0;
}
