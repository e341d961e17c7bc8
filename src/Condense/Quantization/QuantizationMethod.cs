namespace Condense.Quantization;

/// <summary>The two families of quantization (<see cref="ModelQuantizationOptions"/>).</summary>
public enum QuantizationMethod
{
    /// <summary>Weight sharing with a 1-D k-means codebook (<see cref="WeightSharingQuantizer"/>).</summary>
    KMeans,
    /// <summary>Uniform integer grid (<see cref="LinearQuantizer"/>): 8 bits int8, 4 int4, 2 ternary, 1 binary.</summary>
    Linear,
}
