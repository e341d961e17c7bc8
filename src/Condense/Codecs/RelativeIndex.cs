using System.Numerics;

namespace Condense.Codecs;

/// <summary>
/// Deep Compression's sparse index (Han, Mao &amp; Dally, ICLR 2016, §2 and Fig. 2), the one
/// encoder of it: the non-zeros of a flattened (row-major) tensor in order, each with the number
/// of zeros skipped since the previous entry in <c>bits</c> bits instead of an absolute index. A
/// run that does not fit is bridged by padding entries (a zero value with the largest gap, so a
/// padding entry advances 2^bits positions). The <c>.csparse</c> file (float32 values), Deep
/// Compression's container (Huffman-coded centroid indices) and the planners' byte estimates all
/// use these functions, so they cannot disagree on where an entry lands.
/// </summary>
/// <remarks>
/// Entry j sits at p_j = p_{j−1} + gap_j + 1 (p_{−1} = −1). With <c>coverTail</c> an entry is
/// also placed at the last position when it is zero, so the stream spans the whole tensor (Deep
/// Compression's container relies on that to bound what a reader allocates by what the file holds).
/// </remarks>
public static class RelativeIndex
{
    /// <summary>Fewest bits a gap may take: 1 bit already encodes runs of zero or one skipped positions.</summary>
    public const int MinBits = 1;
    /// <summary>Most bits a gap may take: beyond 8 an absolute index is as cheap, which defeats the encoding.</summary>
    public const int MaxBits = 8;

    /// <summary>Bytes of <paramref name="entries"/> gaps packed at <paramref name="bits"/> bits.</summary>
    public static long PackedGapBytes(long entries, int bits) => (entries * bits + 7) / 8;

    /// <summary>Entries (padding included) the encoding needs at this width; no arrays built.</summary>
    public static long EntriesFor<T>(ReadOnlySpan<T> dense, int bits, bool coverTail = false) where T : INumberBase<T>
    {
        long entries = 0, previous = -1, span = 1L << bits;
        for (var i = 0; i < dense.Length; i++)
        {
            if (T.IsZero(dense[i]) && !(coverTail && i == dense.Length - 1)) continue;
            entries += 1 + (i - previous - 1) / span;
            previous = i;
        }
        return entries;
    }

    /// <summary>The width in [<paramref name="minBits"/>, <paramref name="maxBits"/>] that stores the tensor in the fewest bytes with float32 values.</summary>
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

    /// <summary>
    /// The gaps (zeros skipped before each entry, each below 2^bits) and, per entry, the index of
    /// the element it stores (−1 for padding, whose value is zero).
    /// </summary>
    public static (byte[] Gaps, int[] Sources) Encode<T>(ReadOnlySpan<T> dense, int bits, bool coverTail = false) where T : INumberBase<T>
    {
        if (bits is < MinBits or > MaxBits) throw new CondenseException($"relative index width {bits} bits must be in {MinBits}–{MaxBits}");
        var maxGap = (1 << bits) - 1;
        var gaps = new List<byte>();
        var sources = new List<int>();
        long previous = -1;
        for (var i = 0; i < dense.Length; i++)
        {
            if (T.IsZero(dense[i]) && !(coverTail && i == dense.Length - 1)) continue;
            var gap = i - previous - 1;
            while (gap > maxGap)
            {
                gaps.Add((byte)maxGap);
                sources.Add(-1);
                gap -= maxGap + 1;
            }
            gaps.Add((byte)gap);
            sources.Add(i);
            previous = i;
        }
        return (gaps.ToArray(), sources.ToArray());
    }

    /// <summary>Where each entry lands; throws, naming <paramref name="what"/>, when one lands past <paramref name="length"/>.</summary>
    public static long[] Positions<T>(ReadOnlySpan<T> gaps, long length, string what) where T : IBinaryInteger<T>
    {
        var positions = new long[gaps.Length];
        long position = -1;
        for (var j = 0; j < gaps.Length; j++)
        {
            position += long.CreateTruncating(gaps[j]) + 1;
            if (position >= length) throw new CondenseException($"{what}: entry {j} lands at {position}, past the end ({length} values)");
            positions[j] = position;
        }
        return positions;
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

    /// <summary>The inverse of <see cref="Pack"/>.</summary>
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
