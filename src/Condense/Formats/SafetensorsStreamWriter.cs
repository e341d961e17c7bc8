using System.Buffers.Binary;

namespace Condense.Formats;

/// <summary>
/// Writes a safetensors file whose tensors arrive one piece at a time: the header is laid out up
/// front from (name, dtype, shape) with <see cref="SafetensorsHeader.Build"/>, then the data is
/// appended in header order, chunk by chunk. Memory stays at one chunk however large the file.
/// Every byte is counted, so a caller that writes too little or too much for a tensor is stopped
/// before a malformed file can be renamed into place (wrap the stream in <see cref="AtomicFile"/>).
/// </summary>
internal sealed class SafetensorsStreamWriter
{
    readonly Stream _stream;
    int _tensor;
    long _written;

    public SafetensorsStreamWriter(Stream stream, IEnumerable<(string Name, TensorDType DType, long[] Shape)> tensors,
        IReadOnlyDictionary<string, string>? metadata)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        var (header, entries) = SafetensorsHeader.Build(tensors, metadata);
        Entries = entries;
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        _stream.Write(prefix);
        _stream.Write(header);
        HeaderBytes = 8 + header.Length;
        Skip();
    }

    /// <summary>The tensors in file order, with their offsets in the data section.</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }

    /// <summary>Bytes before the data section (length prefix and padded header).</summary>
    public long HeaderBytes { get; }

    /// <summary>The tensor the next bytes belong to, or null when every tensor is complete.</summary>
    public SafetensorsEntry? Current => _tensor < Entries.Count ? Entries[_tensor] : null;

    public bool IsComplete => _tensor >= Entries.Count;

    /// <summary>Appends bytes of the current tensor; a chunk may not run past its end.</summary>
    public void Write(ReadOnlySpan<byte> chunk)
    {
        var entry = Current ?? throw new InvalidOperationException("every tensor of the file has been written");
        if (_written + chunk.Length > entry.ByteLength)
            throw new InvalidOperationException($"tensor '{entry.Name}': {_written + chunk.Length} bytes written but it holds {entry.ByteLength}");
        _stream.Write(chunk);
        _written += chunk.Length;
        Skip();
    }

    /// <summary>Throws unless every tensor has received all its bytes.</summary>
    public void Complete()
    {
        if (!IsComplete)
            throw new InvalidOperationException($"tensor '{Current!.Name}' is incomplete: {_written} of {Current.ByteLength} bytes written");
    }

    void Skip()
    {
        while (_tensor < Entries.Count && _written == Entries[_tensor].ByteLength)
        {
            _tensor++;
            _written = 0;
        }
    }
}
