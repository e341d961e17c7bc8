using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Condense.Formats;

/// <summary>
/// A bounds-checked little-endian reader over a file's bytes, shared by Condense's own binary
/// formats (<c>.cdc</c>, <c>.csparse</c>): every read checks the bytes left first, and running out
/// is an <see cref="InvalidFileException"/> naming the file and the offset, never an index error.
/// </summary>
internal ref struct ByteCursor(ReadOnlySpan<byte> bytes, string source)
{
    readonly ReadOnlySpan<byte> _bytes = bytes;
    int _position;

    public readonly string Source { get; } = source;

    public readonly int Remaining => _bytes.Length - _position;

    /// <summary>The exception for <paramref name="problem"/> in this file (thrown by the caller).</summary>
    public readonly InvalidFileException Bad(string problem) => new(Source, problem);

    public ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || n > Remaining) throw Bad($"truncated: needs {n} more bytes at offset {_position}, has {Remaining}");
        var s = _bytes.Slice(_position, n);
        _position += n;
        return s;
    }

    public byte U8() => Take(1)[0];
    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>Reads <paramref name="into"/>.Length float32 values, refusing NaN and infinities.</summary>
    public void Floats(Span<float> into, string what)
    {
        if (4L * into.Length > Remaining) throw Bad($"{what}: truncated: {into.Length} floats need {4L * into.Length} bytes, {Remaining} left");
        var raw = Take(4 * into.Length);
        if (BitConverter.IsLittleEndian) MemoryMarshal.Cast<byte, float>(raw).CopyTo(into);
        else for (var i = 0; i < into.Length; i++) into[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(4 * i, 4));
        foreach (var v in into)
            if (!float.IsFinite(v)) throw Bad($"{what}: NaN or infinite value");
    }

    public float[] Floats(int n, string what)
    {
        if (4L * n > Remaining) throw Bad($"{what}: truncated: {n} floats need {4L * n} bytes, {Remaining} left");
        var values = new float[n];
        Floats(values, what);
        return values;
    }
}
