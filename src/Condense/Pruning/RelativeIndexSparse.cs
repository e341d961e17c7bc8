using Condense.Codecs;

namespace Condense.Pruning;

/// <summary>
/// A tensor in Deep Compression's relative-index form with float32 values, as the
/// <c>.csparse</c> file stores it: the gaps of <see cref="RelativeIndex"/> (the one encoder) and
/// the value of every entry, padding entries holding 0. The paper uses 5 bits for fully connected
/// layers and 8 for convolutions; <see cref="RelativeIndex.BestBits"/> picks the cheapest width.
/// </summary>
internal sealed record RelativeIndexSparse(int Bits, long Length, byte[] Gaps, float[] Values)
{
    /// <summary>Entries stored, padding included.</summary>
    public int EntryCount => Values.Length;

    /// <summary>Padding entries (zeros stored only to bridge long gaps).</summary>
    public int PaddingCount => Values.Count(v => v == 0);

    /// <summary>Bytes of the packed gaps (⌈entries·bits/8⌉) plus 4 per value, as <see cref="SparseModelFile"/> writes them.</summary>
    public long PayloadBytes => RelativeIndex.PackedGapBytes(EntryCount, Bits) + 4L * EntryCount;

    public static RelativeIndexSparse Encode(ReadOnlySpan<float> dense, int bits)
    {
        var (gaps, sources) = RelativeIndex.Encode(dense, bits);
        var values = new float[sources.Length];
        for (var j = 0; j < sources.Length; j++) values[j] = sources[j] < 0 ? 0f : dense[sources[j]];
        return new RelativeIndexSparse(bits, dense.Length, gaps, values);
    }

    public float[] Decode()
    {
        var dense = new float[Length];
        var positions = RelativeIndex.Positions<byte>(Gaps, Length, "relative index");
        for (var j = 0; j < Values.Length; j++) dense[positions[j]] = Values[j];
        return dense;
    }
}
