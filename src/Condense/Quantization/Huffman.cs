namespace Condense.Quantization;

/// <summary>
/// Canonical Huffman coding of quantization indices (Deep Compression's third stage, Han et al.
/// 2016 §4): frequent centroids get short codes. The table is just the code lengths, so a
/// decoder rebuilds the codes; <see cref="Decode"/> proves the stream is real.
/// </summary>
/// <remarks>
/// Huffman is optimal among prefix codes and a fixed-length code is a prefix code, so the stream
/// is never longer than ⌈log₂ alphabet⌉ bits a symbol; the table adds one byte a symbol.
/// </remarks>
public static class Huffman
{
    /// <summary>Longest code allowed; lengths are limited (by flattening) when a skewed input would exceed it.</summary>
    public const int MaxCodeLength = 32;

    /// <summary>Huffman-codes <paramref name="symbols"/> (each below <paramref name="alphabet"/>) with canonical code lengths, so only the lengths need storing.</summary>
    public static HuffmanCode Encode(ReadOnlySpan<int> symbols, int alphabet)
    {
        if (alphabet is < 1 or > 65536) throw new CondenseException($"huffman: alphabet must be in 1..65536, got {alphabet}");
        var freq = new long[alphabet];
        foreach (var s in symbols)
        {
            if ((uint)s >= (uint)alphabet) throw new CondenseException($"huffman: symbol {s} outside 0..{alphabet - 1}");
            freq[s]++;
        }
        var lengths = CodeLengths(freq);
        var codes = CanonicalCodes(lengths);
        long bits = 0;
        for (int s = 0; s < alphabet; s++) bits += freq[s] * lengths[s];
        var stream = new byte[(bits + 7) / 8];
        long pos = 0;
        foreach (var s in symbols)
        {
            int len = lengths[s];
            uint code = codes[s];
            for (int b = len - 1; b >= 0; b--, pos++)
                if (((code >> b) & 1) != 0) stream[pos >> 3] |= (byte)(0x80 >> (int)(pos & 7));
        }
        return new HuffmanCode(lengths, stream, bits, symbols.Length);
    }

    /// <summary>Decodes <paramref name="code"/> back to the symbols, the inverse of <see cref="Encode"/>.</summary>
    public static int[] Decode(HuffmanCode code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var lengths = code.CodeLengths;
        int maxLen = 0;
        foreach (var l in lengths)
        {
            if (l > MaxCodeLength) throw new CondenseException($"huffman: code length {l} exceeds {MaxCodeLength}");
            maxLen = Math.Max(maxLen, l);
        }
        // Canonical decoding: per length, the first code and where its symbols start.
        var count = new int[maxLen + 2];
        foreach (var l in lengths) if (l > 0) count[l]++;
        var symbolsByCode = new int[lengths.Count(l => l > 0)];
        var offset = new int[maxLen + 2];
        for (int l = 1; l <= maxLen; l++) offset[l + 1] = offset[l] + count[l];
        var fill = (int[])offset.Clone();
        for (int s = 0; s < lengths.Length; s++) if (lengths[s] > 0) symbolsByCode[fill[lengths[s]]++] = s;
        var result = new int[code.Count];
        if (symbolsByCode.Length == 1)
        {
            Array.Fill(result, symbolsByCode[0]);
            return result;
        }
        long pos = 0;
        var stream = code.Stream;
        for (int i = 0; i < code.Count; i++)
        {
            long c = 0, first = 0;
            int len = 0;
            while (true)
            {
                if (pos >= code.BitLength || ++len > maxLen) throw new CondenseException("huffman: truncated or corrupt stream");
                c = (c << 1) | (uint)((stream[pos >> 3] >> (7 - (int)(pos & 7))) & 1);
                pos++;
                if (c - first < count[len]) { result[i] = symbolsByCode[offset[len] + (int)(c - first)]; break; }
                first = (first + count[len]) << 1;
            }
        }
        return result;
    }

    /// <summary>Huffman code lengths (a single used symbol gets length 1).</summary>
    static byte[] CodeLengths(long[] freq)
    {
        int n = freq.Length;
        var lengths = new byte[n];
        var used = Enumerable.Range(0, n).Where(s => freq[s] > 0).ToArray();
        if (used.Length == 0) return lengths;
        if (used.Length == 1) { lengths[used[0]] = 1; return lengths; }
        var f = freq.Select(x => x).ToArray();
        while (true)
        {
            // Package by a priority queue; parents track the tree to read depths.
            var pq = new PriorityQueue<int, (long, int)>();
            var parent = new int[2 * n];
            var weight = new long[2 * n];
            int next = n;
            foreach (var s in used) { weight[s] = f[s]; pq.Enqueue(s, (f[s], s)); }
            while (pq.Count > 1)
            {
                int a = pq.Dequeue(), b = pq.Dequeue();
                int p = next++;
                weight[p] = weight[a] + weight[b];
                parent[a] = p; parent[b] = p;
                pq.Enqueue(p, (weight[p], p));
            }
            int root = pq.Dequeue();
            int max = 0;
            foreach (var s in used)
            {
                int d = 0;
                for (int x = s; x != root; x = parent[x]) d++;
                lengths[s] = (byte)Math.Min(d, 255);
                max = Math.Max(max, d);
            }
            if (max <= MaxCodeLength) return lengths;
            // Too deep (only for astronomically skewed counts): flatten the frequencies and retry.
            foreach (var s in used) f[s] = (f[s] >> 1) | 1;
        }
    }

    static uint[] CanonicalCodes(byte[] lengths)
    {
        int maxLen = lengths.Length == 0 ? 0 : lengths.Max();
        var count = new int[maxLen + 1];
        foreach (var l in lengths) if (l > 0) count[l]++;
        var next = new uint[maxLen + 2];
        uint code = 0;
        for (int l = 1; l <= maxLen; l++) { next[l] = code; code = (code + (uint)count[l]) << 1; }
        var codes = new uint[lengths.Length];
        for (int s = 0; s < lengths.Length; s++) if (lengths[s] > 0) codes[s] = next[lengths[s]]++;
        return codes;
    }
}
