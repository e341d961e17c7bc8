namespace Condense.Streaming;

/// <summary>
/// Encodes one tensor chunk by chunk, after <see cref="ITensorCompressor.Prepare"/> has seen
/// whatever it needs of the whole tensor. <see cref="Encode"/> is called concurrently for
/// disjoint chunks (whole rows), so it may only write state that belongs to its own rows.
/// </summary>
public interface ITensorEncoder
{
    /// <summary>
    /// Encodes the elements starting at <paramref name="firstElement"/> held in
    /// <paramref name="source"/> (stored bytes) into <paramref name="codes"/> (the code tensor's
    /// bytes for those elements).
    /// </summary>
    void Encode(ReadOnlySpan<byte> source, long firstElement, Span<byte> codes);

    /// <summary>The side tensors' bytes (scales, codebook), in the order of <see cref="ITensorCompressor.Outputs"/> after the codes. Called once, after every chunk.</summary>
    IReadOnlyList<byte[]> Finish();
}
