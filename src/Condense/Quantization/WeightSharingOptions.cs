namespace Condense.Quantization;

/// <summary>
/// Settings for <see cref="WeightSharingQuantizer"/> (Deep Compression's weight sharing).
/// Validated on construction; bad values throw <see cref="CondenseException"/> quoting them.
/// </summary>
public sealed record WeightSharingOptions
{
    /// <summary>Weight sharing with 2^<paramref name="bits"/> shared values; bits outside 1–8 are a <see cref="CondenseException"/>.</summary>
    public WeightSharingOptions(int bits)
    {
        if (bits is < 1 or > 8) throw new CondenseException($"weight sharing: bits must be in 1..8, got {bits}");
        Bits = bits;
    }

    /// <summary>Bits per index, 1..8: the codebook has 2^bits centroids.</summary>
    public int Bits { get; }

    /// <summary>One codebook for the tensor (default) or one per output channel (row); 1-D tensors always use one.</summary>
    public Granularity Granularity { get; init; } = Granularity.PerTensor;

    /// <summary>k-means initialisation; <see cref="CentroidInit.Auto"/> (default) is exact or near-exact.</summary>
    public CentroidInit Init { get; init; } = CentroidInit.Auto;

    /// <summary>
    /// Reserve centroid 0 for exactly 0 so a pruned tensor stays sparse (its zeros are not
    /// moved to the nearest centroid); the other 2^bits − 1 centroids fit the non-zeros.
    /// </summary>
    public bool KeepZeros { get; init; }

    /// <summary>Huffman-code the indices (a real, decodable stream; Deep Compression §4).</summary>
    public bool Huffman { get; init; }

    /// <summary>Seed for the k-means++ initialisation.</summary>
    public int Seed { get; init; }
}
