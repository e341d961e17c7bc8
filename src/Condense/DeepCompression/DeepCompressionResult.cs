namespace Condense.DeepCompression;

/// <summary>One stage of the pipeline: bytes the network would take stored that way, the ratio to float32, and test accuracy.</summary>
/// <param name="Stage">dense, pruned, shared, huffman.</param>
/// <param name="Bytes">Storage: float32 for dense; (32-bit value + gap) per entry for pruned; (index + gap) bits per entry plus codebooks for shared; the container file for huffman. Biases as float32 throughout.</param>
/// <param name="TimesSmaller">Dense float32 bytes ÷ <paramref name="Bytes"/>: how many times smaller (the inverse of a ratio, which is compressed ÷ original).</param>
/// <param name="Accuracy">Test accuracy after the stage (and its fine-tuning).</param>
public sealed record StageReport(string Stage, long Bytes, double TimesSmaller, double Accuracy);

/// <summary>Per-layer outcome: kept weights, stored entries (fillers included), bits, bytes in the container.</summary>
public sealed record LayerReport(string Name, int Rows, int Columns, long NonZeros, int Entries, int Bits, double Density, long ContainerBytes);

/// <summary>What <see cref="DeepCompressionPipeline"/> did: stages, layers, and whether the container decodes to the model's exact weights.</summary>
public sealed record DeepCompressionResult(IReadOnlyList<StageReport> Stages, IReadOnlyList<LayerReport> Layers, IReadOnlyList<SparseSharedLayer> Encoded, bool Verified)
{
    /// <summary>The last stage: the size and accuracy the whole pipeline delivers.</summary>
    public StageReport Final => Stages[^1];
    /// <summary>The dense starting point every ratio and accuracy drop is measured against.</summary>
    public StageReport Dense => Stages[0];
}
