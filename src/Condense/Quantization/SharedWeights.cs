namespace Condense.Quantization;

/// <summary>
/// A weight-shared tensor: codebooks of 2^bits float32 centroids (one per group: the tensor or
/// each output channel), the index of every weight, bit-packed, and optionally Huffman-coded.
/// </summary>
/// <param name="Shape">Shape of the original tensor (row-major; channels are dimension 0).</param>
/// <param name="Bits">Bits per index.</param>
/// <param name="Granularity">Per tensor or per output channel.</param>
/// <param name="KeepZeros">Centroid 0 of every codebook is exactly 0.</param>
/// <param name="Codebooks">groups × 2^bits centroids, ascending within a group (unused slots repeat the last centroid).</param>
/// <param name="PackedIndices">Indices, <paramref name="Bits"/> bits each (see <see cref="BitPacking"/>).</param>
/// <param name="Huffman">The Huffman-coded indices, when requested; it replaces the packed indices in storage.</param>
/// <param name="Method">How k-means found the centroids (the worst case over groups: Lloyd &lt; histogram &lt; exact); null when a file read back does not say (a streamed file lays its header out before it fits).</param>
/// <param name="Sse">Σ (w − q)² over the tensor, from k-means.</param>
public sealed record SharedWeights(
    long[] Shape, int Bits, Granularity Granularity, bool KeepZeros,
    float[] Codebooks, byte[] PackedIndices, HuffmanCode? Huffman, KMeansMethod? Method, double Sse)
{
    /// <summary>Centroids per codebook (2^bits).</summary>
    public int CodebookSize => 1 << Bits;

    /// <summary>Number of codebooks.</summary>
    public int Groups => Codebooks.Length / CodebookSize;

    /// <summary>Number of weights.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Every weight's index, from the Huffman stream when there is one (so a reconstruction proves it decodes).</summary>
    public int[] Indices()
    {
        if (Huffman is not null) return Quantization.Huffman.Decode(Huffman);
        var idx = new int[Count];
        BitPacking.Unpack(PackedIndices, Bits, idx);
        return idx;
    }

    /// <summary>Q: each weight replaced by its centroid.</summary>
    public float[] Reconstruct()
    {
        var idx = Indices();
        var q = new float[idx.Length];
        long per = Groups == 1 ? idx.Length : idx.Length / Groups;
        for (long i = 0; i < idx.Length; i++) q[i] = Codebooks[(i / per) * CodebookSize + idx[i]];
        return q;
    }

    /// <summary>Exact bytes: codebooks (float32), packed indices or Huffman stream + table.</summary>
    public SizeBreakdown Size => new(
        Count * 4,
        Huffman is null ? PackedIndices.Length : Huffman.StreamBytes,
        Codebooks.Length * 4L,
        0,
        Huffman?.TableBytes ?? 0);
}
