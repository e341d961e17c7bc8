namespace Condense.Hashing;

/// <summary>
/// How multi-hashing combines the m pool entries a virtual weight reads (Wu et al., "Structured
/// Multi-Hashing for Model Compression", CVPR 2020, §3.1). Sum is the default: it is linear, so
/// each weight is an unbiased mix of m entries and gradients reach all of them equally.
/// </summary>
public enum HashReduction
{
    /// <summary>V[i,j] = Σₖ ξₖ(i,j)·w[hₖ(i,j)] / √m (the 1/√m keeps the initial scale of one hash).</summary>
    Sum,
    /// <summary>V[i,j] = Πₖ ξₖ(i,j)·w[hₖ(i,j)]: more distinct values per pool, harder to train.</summary>
    Product,
    /// <summary>V[i,j] = maxₖ ξₖ(i,j)·w[hₖ(i,j)]: gradient reaches only the largest entry.</summary>
    Max,
    /// <summary>V[i,j] = minₖ ξₖ(i,j)·w[hₖ(i,j)]: the mirror of <see cref="Max"/>; gradient reaches only the smallest entry.</summary>
    Min,
}
