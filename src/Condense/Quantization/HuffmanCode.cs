namespace Condense.Quantization;

/// <summary>
/// A canonical Huffman encoding of a sequence of symbols 0..alphabet−1: the code length of every
/// symbol (the table a decoder needs; 0 = symbol absent) and the bit stream (MSB-first).
/// </summary>
/// <param name="CodeLengths">Bits of each symbol's code, one byte a symbol: this is the stored table.</param>
/// <param name="Stream">The encoded bits, most significant bit first, zero-padded to a byte.</param>
/// <param name="BitLength">Meaningful bits in <paramref name="Stream"/>.</param>
/// <param name="Count">Number of symbols encoded.</param>
public sealed record HuffmanCode(byte[] CodeLengths, byte[] Stream, long BitLength, int Count)
{
    /// <summary>Bytes of the table (one per symbol of the alphabet).</summary>
    public long TableBytes => CodeLengths.Length;

    /// <summary>Bytes of the bit stream.</summary>
    public long StreamBytes => Stream.Length;
}
