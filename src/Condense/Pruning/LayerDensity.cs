namespace Condense.Pruning;

/// <summary>
/// How much of one layer's weight survives. <see cref="Collapsed"/> flags layer collapse: a layer
/// pruned to zero cuts every path from input to output, and the network is then useless whatever
/// the other layers keep (Tanaka et al. 2020).
/// </summary>
public sealed record LayerDensity(string Name, long Total, long Nonzero)
{
    public double Density => Total == 0 ? 0 : (double)Nonzero / Total;
    public bool Collapsed => Nonzero == 0;
}
