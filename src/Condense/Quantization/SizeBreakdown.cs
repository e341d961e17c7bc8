namespace Condense.Quantization;

/// <summary>
/// Exact storage of one compressed tensor, in bytes, split by what the bytes are for. Every
/// figure is the length of a real buffer that a writer stores (nothing estimated).
/// </summary>
/// <param name="OriginalBytes">The tensor as float32 (4 bytes a value).</param>
/// <param name="PayloadBytes">Packed indices or integers (or the Huffman bit stream when Huffman coding is on).</param>
/// <param name="CodebookBytes">Codebooks (float32 centroids), 0 for linear quantization.</param>
/// <param name="ParameterBytes">Scales and zero points (float32 + int32 each), 0 for weight sharing.</param>
/// <param name="TableBytes">Huffman code-length tables (one byte a symbol), 0 without Huffman coding.</param>
public sealed record SizeBreakdown(long OriginalBytes, long PayloadBytes, long CodebookBytes, long ParameterBytes, long TableBytes)
{
    /// <summary>Everything needed to reconstruct the tensor.</summary>
    public long TotalBytes => PayloadBytes + CodebookBytes + ParameterBytes + TableBytes;

    /// <summary>
    /// Compressed ÷ original (0.25: a quarter of the float32 bytes). The one meaning of "ratio" in
    /// the codec seam (<see cref="Codecs.EncodedTensor.Ratio"/>); "×" figures in reports are its inverse.
    /// </summary>
    public double Ratio => OriginalBytes == 0 ? double.NaN : (double)TotalBytes / OriginalBytes;
}
