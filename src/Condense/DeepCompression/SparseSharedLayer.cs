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
        var maxGap = 1 << gapBits;
        var gaps = new List<int>();
        var symbols = new List<int>();
        var previous = -1L;
        void Emit(long position, int symbol)
        {
            var gap = position - previous;
            while (gap > maxGap)
            {
                gaps.Add(maxGap - 1);
                symbols.Add(0);
                gap -= maxGap;
            }
            gaps.Add((int)gap - 1);
            symbols.Add(symbol);
            previous = position;
        }
        for (var p = 0; p < indices.Length; p++)
        {
            if (indices[p] != 0) Emit(p, indices[p]);
        }
        // Cover the tail too, so the stream spans the whole matrix (the reader relies on it to
        // bound what it allocates by what the file holds).
        if (previous < indices.Length - 1) Emit(indices.Length - 1, 0);
        return new SparseSharedLayer(name, rows, columns, bits, gapBits, (float[])codebook.Clone(),
            Huffman.Encode(gaps.ToArray(), maxGap), Huffman.Encode(symbols.ToArray(), 1 << bits), (float[])bias.Clone());
    }

    /// <summary>The dense row-major weights: every stored entry's centroid at its position, zeros elsewhere.</summary>
    public float[] DecodeWeights() => DecodeWeights(Huffman.Decode(Gaps), Huffman.Decode(Indices));

    internal float[] DecodeWeights(int[] gaps, int[] symbols)
    {
        var n = (long)Rows * Columns;
        if (gaps.Length != symbols.Length) throw new CondenseException($"{Name}: {gaps.Length} gaps but {symbols.Length} indices");
        var weights = new float[n];
        var position = -1L;
        for (var k = 0; k < gaps.Length; k++)
        {
            position += gaps[k] + 1;
            if (position >= n) throw new CondenseException($"{Name}: entry {k} lands at {position}, past the {Rows}×{Columns} matrix");
            weights[position] = Codebook[symbols[k]];
        }
        if (position != n - 1) throw new CondenseException($"{Name}: entries end at {position}, not at the matrix's last position {n - 1}");
        return weights;
    }

    /// <summary>Centroid indices per weight (0 for pruned), row-major.</summary>
    public int[] DecodeIndices()
    {
        var gaps = Huffman.Decode(Gaps);
        var symbols = Huffman.Decode(Indices);
        var result = new int[(long)Rows * Columns];
        var position = -1L;
        for (var k = 0; k < gaps.Length; k++)
        {
            position += gaps[k] + 1;
            result[position] = symbols[k];
        }
        return result;
    }

    /// <summary>Bytes this layer takes in the container (see <see cref="CompressedContainer"/>).</summary>
    public long StoredBytes => 2 + System.Text.Encoding.UTF8.GetByteCount(Name) + 4 + 4 + 1 + 1 + 4L * Codebook.Length + 4
        + Gaps.TableBytes + 8 + Gaps.StreamBytes + Indices.TableBytes + 8 + Indices.StreamBytes + 4 + 4L * Bias.Length;
}
