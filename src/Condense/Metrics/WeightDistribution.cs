namespace Condense.Metrics;

/// <summary>Shapes of synthetic weight matrices for the playground and for benchmarks.</summary>
public enum WeightDistribution
{
    /// <summary>N(0, scale²): what trained dense layers look like to a first approximation.</summary>
    Normal,
    /// <summary>U(−scale·√3, scale·√3): same variance as <see cref="Normal"/>, no tails (linear quantization's best case).</summary>
    Uniform,
    /// <summary>Normal plus a few outliers of magnitude <see cref="WeightGeneratorOptions.SpikeMagnitude"/>·scale: min–max ranges collapse.</summary>
    Spiked,
    /// <summary>Laplace with standard deviation scale: heavier tails, sharper peak.</summary>
    Laplace,
    /// <summary>A product of two Gaussian factors of rank <see cref="WeightGeneratorOptions.Rank"/>, scaled so entries have std ≈ scale: ill-conditioned.</summary>
    LowRank,
    /// <summary>Normal with a fraction <see cref="WeightGeneratorOptions.Sparsity"/> of entries set to exactly 0 (a pruned layer).</summary>
    Sparse,
}
