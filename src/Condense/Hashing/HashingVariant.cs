namespace Condense.Hashing;

/// <summary>How a layer's virtual weight matrix is made from its few real parameters.</summary>
public enum HashingVariant
{
    /// <summary>HashedNets: each virtual weight reads m pool entries through seeded hashes (<see cref="HashedLinear"/>).</summary>
    Hashed,
    /// <summary>Structured multi-hashing: θ = U·V, flattened and cut to the virtual shape (<see cref="StructuredHashedLinear"/>);
    /// no index tables, so it needs memory only for U and V.</summary>
    Structured,
}
