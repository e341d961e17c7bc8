using Condense.Quantization;

namespace Condense.DeepCompression;

/// <summary>
/// One pruned, weight-shared, Huffman-coded weight matrix as Deep Compression stores it (§2 and
/// §4, Fig. 2): the non-zero weights in row-major order, each as (gap from the previous entry,
/// centroid index). Gaps are 1…2^gapBits; a longer run of zeros is bridged by filler entries of
/// the largest gap carrying centroid 0, which is exactly 0. Both symbol streams are
/// Huffman-coded. The bias stays float32.
/// </summary>
/// <param name="Name">The layer (fc1, …).</param>
/// <param name="Rows">Outputs.</param>
/// <param name="Columns">Inputs.</param>
/// <param name="Bits">Bits of a centroid index (codebook of 2^bits; centroid 0 is 0).</param>
/// <param name="GapBits">Bits of a relative index before Huffman coding.</param>
/// <param name="Codebook">2^bits float32 centroids; entry 0 is 0.</param>
/// <param name="Gaps">Huffman-coded gap − 1 per entry.</param>
/// <param name="Indices">Huffman-coded centroid index per entry.</param>
/// <param name="Bias">Rows float32 values.</param>
public sealed record SparseSharedLayer(string Name, int Rows, int Columns, int Bits, int GapBits, float[] Codebook,
    HuffmanCode Gaps, HuffmanCode Indices, float[] Bias)
{
    /// <summary>Stored entries (non-zeros plus fillers).</summary>
    public int Entries => Indices.Count;

    /// <summary>Encodes a weight matrix whose every entry is <c>codebook[indices[k]]</c> with index 0 meaning a pruned (zero) weight.</summary>
    public static SparseSharedLayer Encode(string name, int rows, int columns, int bits, int gapBits, float[] codebook, ReadOnlySpan<int> indices, float[] bias)
    {
        if (bits is < 1 or > 8) throw new CondenseException($"{name}: bits {bits} must be in 1–8");
        if (gapBits is < 1 or > 8) throw new CondenseException($"{name}: gap bits {gapBits} must be in 1–8");
        if (codebook.Length != 1 << bits) throw new CondenseException($"{name}: codebook has {codebook.Length} entries, {bits} bits need {1 << bits}");
        if (codebook[0] != 0) throw new CondenseException($"{name}: centroid 0 must be 0 (it stands for pruned weights)");
        if (indices.Length != (long)rows * columns) throw new CondenseException($"{name}: {indices.Length} indices for {rows}×{columns}");
        // The one relative-index encoder; the tail entry makes the stream span the whole matrix
        // (the reader relies on it to bound what it allocates by what the file holds).
        var (gapBytes, sources) = Codecs.RelativeIndex.Encode(indices, gapBits, coverTail: true);
        var gaps = gapBytes.Select(g => (int)g).ToArray();
        var symbols = new int[sources.Length];
        for (var k = 0; k < sources.Length; k++) symbols[k] = sources[k] < 0 ? 0 : indices[sources[k]];
        return new SparseSharedLayer(name, rows, columns, bits, gapBits, (float[])codebook.Clone(),
            Huffman.Encode(gaps, 1 << gapBits), Huffman.Encode(symbols, 1 << bits), (float[])bias.Clone());
    }

    /// <summary>The dense row-major weights: every stored entry's centroid at its position, zeros elsewhere.</summary>
    public float[] DecodeWeights() => DecodeWeights(Huffman.Decode(Gaps), Huffman.Decode(Indices));

    internal float[] DecodeWeights(int[] gaps, int[] symbols)
    {
        var n = (long)Rows * Columns;
        if (gaps.Length != symbols.Length) throw new CondenseException($"{Name}: {gaps.Length} gaps but {symbols.Length} indices");
        var positions = Codecs.RelativeIndex.Positions<int>(gaps, n, $"{Name} ({Rows}×{Columns})");
        var weights = new float[n];
        for (var k = 0; k < positions.Length; k++) weights[positions[k]] = Codebook[symbols[k]];
        var last = positions.Length == 0 ? -1 : positions[^1];
        if (last != n - 1) throw new CondenseException($"{Name}: entries end at {last}, not at the matrix's last position {n - 1}");
        return weights;
    }

    /// <summary>Centroid indices per weight (0 for pruned), row-major.</summary>
    public int[] DecodeIndices()
    {
        var symbols = Huffman.Decode(Indices);
        var positions = Codecs.RelativeIndex.Positions<int>(Huffman.Decode(Gaps), (long)Rows * Columns, Name);
        var result = new int[(long)Rows * Columns];
        for (var k = 0; k < positions.Length; k++) result[positions[k]] = symbols[k];
        return result;
    }

    /// <summary>Bytes this layer takes in the container (see <see cref="CompressedContainer"/>).</summary>
    public long StoredBytes => 2 + System.Text.Encoding.UTF8.GetByteCount(Name) + 4 + 4 + 1 + 1 + 4L * Codebook.Length + 4
        + Gaps.TableBytes + 8 + Gaps.StreamBytes + Indices.TableBytes + 8 + Indices.StreamBytes + 4 + 4L * Bias.Length;
}
