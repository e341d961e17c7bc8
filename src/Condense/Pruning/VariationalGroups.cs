namespace Condense.Pruning;

/// <summary>
/// What one variational dropout rate α covers: a single weight (sparse VD, unstructured: a mask) or a
/// hidden neuron (group VD: whole neurons go, and the network is compacted into a smaller dense one).
/// </summary>
public enum VariationalGroups
{
    /// <summary>One α per weight (Molchanov et al. 2017).</summary>
    Weights,

    /// <summary>One α per hidden neuron (<see cref="GroupVariationalDropout"/>).</summary>
    Neurons,
}
