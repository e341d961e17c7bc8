namespace Condense.Quantization;

/// <summary>
/// Packs small unsigned integers (1–16 bits each) into bytes, least significant bit first, with
/// no padding between values: n values of b bits take exactly ⌈n·b/8⌉ bytes.
/// </summary>
public static class BitPacking
{
    /// <summary>Bytes needed for <paramref name="count"/> values of <paramref name="bits"/> bits.</summary>
    public static long PackedLength(long count, int bits) => (count * bits + 7) / 8;

    /// <summary>Packs each of <paramref name="values"/> (0 ≤ v &lt; 2^bits) into <paramref name="bits"/> bits, little-endian within bytes, padding the last byte with zeros.</summary>
    public static byte[] Pack(ReadOnlySpan<int> values, int bits)
    {
        if (bits is < 1 or > 16) throw new CondenseException($"bit packing: bits must be in 1..16, got {bits}");
        var bytes = new byte[PackedLength(values.Length, bits)];
        int limit = 1 << bits;
        ulong acc = 0; int filled = 0, o = 0;
        foreach (var v in values)
        {
            if ((uint)v >= (uint)limit) throw new CondenseException($"bit packing: value {v} does not fit in {bits} bits");
            acc |= (ulong)v << filled;
            filled += bits;
            while (filled >= 8) { bytes[o++] = (byte)acc; acc >>= 8; filled -= 8; }
        }
        if (filled > 0) bytes[o] = (byte)acc;
        return bytes;
    }

    /// <summary>Unpacks values.Length codes of <paramref name="bits"/> bits from <paramref name="bytes"/>, the inverse of <see cref="Pack"/>.</summary>
    public static void Unpack(ReadOnlySpan<byte> bytes, int bits, Span<int> values)
    {
        if (bits is < 1 or > 16) throw new CondenseException($"bit packing: bits must be in 1..16, got {bits}");
        if (bytes.Length < PackedLength(values.Length, bits))
            throw new CondenseException($"bit packing: {bytes.Length} bytes cannot hold {values.Length} values of {bits} bits");
        ulong acc = 0; int filled = 0, i = 0;
        uint mask = (1u << bits) - 1;
        for (int n = 0; n < values.Length; n++)
        {
            while (filled < bits) { acc |= (ulong)bytes[i++] << filled; filled += 8; }
            values[n] = (int)(acc & mask);
            acc >>= bits; filled -= bits;
        }
    }
}
