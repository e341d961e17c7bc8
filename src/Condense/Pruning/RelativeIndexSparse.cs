namespace Condense.Pruning;

/// <summary>
/// Deep Compression's sparse storage (Han, Mao &amp; Dally, ICLR 2016, §2 and Fig. 2): the
/// nonzeros of the flattened (row-major) tensor in order, each with the gap to the previous one
/// in <see cref="Bits"/> bits instead of an absolute index. A gap that does not fit is bridged by
/// padding entries: a zero value with the largest gap. The paper uses 5 bits for fully connected
/// layers and 8 for convolutions; <see cref="BestBits"/> picks the cheapest width for a tensor.
/// </summary>
/// <remarks>
/// Entry j sits at position p_j = p_{j−1} + <see cref="Gaps"/>[j] + 1 (p_{−1} = −1), so a gap g
/// means g zeros skipped. <see cref="Values"/> are float32 here; the Deep Compression pipeline
/// replaces them with codebook indices after weight sharing, with the same gaps.
/// </remarks>
public sealed record RelativeIndexSparse(int Bits, long Length, byte[] Gaps, float[] Values)
{
    public const int MinBits = 1;
    public const int MaxBits = 8;

    /// <summary>Entries stored, padding included.</summary>
    public int EntryCount => Values.Length;

    /// <summary>Padding entries (zeros stored only to bridge long gaps).</summary>
    public int PaddingCount => Values.Count(v => v == 0);

    /// <summary>Bytes of the packed gaps (⌈entries·bits/8⌉) plus 4 per value, as <see cref="SparseModelFile"/> writes them.</summary>
    public long PayloadBytes => PackedGapBytes(EntryCount, Bits) + 4L * EntryCount;

    public static long PackedGapBytes(long entries, int bits) => (entries * bits + 7) / 8;

    public static RelativeIndexSparse Encode(ReadOnlySpan<float> dense, int bits)
    {
        if (bits is < MinBits or > MaxBits) throw new CondenseException($"relative index width {bits} bits must be in {MinBits}–{MaxBits}");
        var maxGap = (1 << bits) - 1;
        var gaps = new List<byte>();
        var values = new List<float>();
        long previous = -1;
        for (var i = 0; i < dense.Length; i++)
        {
            if (dense[i] == 0) continue;
            var gap = i - previous - 1;
            while (gap > maxGap)
            {
                gaps.Add((byte)maxGap);
                values.Add(0f);
                gap -= maxGap + 1;
            }
            gaps.Add((byte)gap);
            values.Add(dense[i]);
            previous = i;
        }
        return new RelativeIndexSparse(bits, dense.Length, gaps.ToArray(), values.ToArray());
    }

    /// <summary>Entries (padding included) the encoding would need at each width; no arrays built.</summary>
    public static long EntriesFor(ReadOnlySpan<float> dense, int bits)
    {
        long entries = 0, previous = -1, span = 1L << bits;
        for (var i = 0; i < dense.Length; i++)
        {
            if (dense[i] == 0) continue;
            entries += 1 + (i - previous - 1) / span;
            previous = i;
        }
        return entries;
    }

    /// <summary>The width in [<paramref name="minBits"/>, <paramref name="maxBits"/>] that gives the fewest bytes.</summary>
    public static int BestBits(ReadOnlySpan<float> dense, int minBits = MinBits, int maxBits = MaxBits)
    {
        var best = maxBits;
        var bestBytes = long.MaxValue;
        for (var b = minBits; b <= maxBits; b++)
        {
            var e = EntriesFor(dense, b);
            var bytes = PackedGapBytes(e, b) + 4 * e;
            if (bytes < bestBytes) { bestBytes = bytes; best = b; }
        }
        return best;
    }

    public float[] Decode()
    {
        var dense = new float[Length];
        long position = -1;
        for (var j = 0; j < Values.Length; j++)
        {
            position += Gaps[j] + 1;
            if (position >= Length) throw new CondenseException($"relative index entry {j} points past the end ({position} ≥ {Length})");
            dense[position] = Values[j];
        }
        return dense;
    }

    /// <summary>Packs gaps of <paramref name="bits"/> bits, least significant bit first.</summary>
    public static byte[] Pack(ReadOnlySpan<byte> gaps, int bits)
    {
        var packed = new byte[PackedGapBytes(gaps.Length, bits)];
        long bit = 0;
        foreach (var g in gaps)
        {
            for (var k = 0; k < bits; k++, bit++)
                if ((g >> k & 1) != 0) packed[bit >> 3] |= (byte)(1 << (int)(bit & 7));
        }
        return packed;
    }

    public static byte[] Unpack(ReadOnlySpan<byte> packed, int count, int bits)
    {
        var gaps = new byte[count];
        long bit = 0;
        for (var j = 0; j < count; j++)
        {
            var g = 0;
            for (var k = 0; k < bits; k++, bit++)
                if ((packed[(int)(bit >> 3)] >> (int)(bit & 7) & 1) != 0) g |= 1 << k;
            gaps[j] = (byte)g;
        }
        return gaps;
    }
}
