using System.Buffers.Binary;

namespace Condense.Formats;

/// <summary>
/// Reads a safetensors file one tensor at a time. Opening reads and checks only the header
/// (bounded by <see cref="SafetensorsHeader.MaxHeaderBytes"/> and by the file's size), so a
/// hostile file is refused before any large allocation, and a model bigger than memory can be
/// walked tensor by tensor.
/// </summary>
public sealed class SafetensorsReader : IDisposable
{
    readonly Stream _stream;
    readonly Dictionary<string, SafetensorsEntry> _byName;

    SafetensorsReader(string path, Stream stream, IReadOnlyList<SafetensorsEntry> entries,
        IReadOnlyDictionary<string, string> metadata, long dataStart)
    {
        Path = path;
        _stream = stream;
        Entries = entries;
        Metadata = metadata;
        DataStart = dataStart;
        _byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>The file read, named in error messages.</summary>
    public string Path { get; }

    /// <summary>Tensors in header order.</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }

    /// <summary>The header's free-form <c>__metadata__</c> strings (Condense's model card lives there).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>File offset of the data section (8 + header length).</summary>
    public long DataStart { get; }

    /// <summary>Opens <paramref name="path"/> and checks its header (bounded, entries in range, no overlaps) without reading tensor data; a malformed file is an <see cref="InvalidFileException"/>.</summary>
    public static SafetensorsReader Open(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidFileException(path, ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message);
        }
        return Open(stream, path);
    }

    /// <summary>
    /// Reads the header of a safetensors file held in <paramref name="stream"/> (seekable; the
    /// reader owns it from here), with the same checks as a file on disk: an upload kept in
    /// memory (the Studio) is read by the same code as a file, never by a second parser.
    /// </summary>
    /// <param name="stream">The file's bytes.</param>
    /// <param name="path">The name messages use for it.</param>
    public static SafetensorsReader Open(Stream stream, string path)
    {
        try
        {
            var length = stream.Length;
            if (length < 8)
                throw new InvalidFileException(path, $"file of {length} bytes is too short for a safetensors header");
            Span<byte> prefix = stackalloc byte[8];
            stream.ReadExactly(prefix);
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > SafetensorsHeader.MaxHeaderBytes)
                throw new InvalidFileException(path, $"safetensors header length {headerLength} exceeds the {SafetensorsHeader.MaxHeaderBytes}-byte limit");
            if ((long)headerLength > length - 8)
                throw new InvalidFileException(path, $"safetensors header length {headerLength} exceeds the file's {length - 8} remaining bytes");
            var header = new byte[headerLength];
            stream.ReadExactly(header);
            var dataStart = 8 + (long)headerLength;
            var (entries, metadata) = SafetensorsHeader.Parse(header, length - dataStart, path);
            return new SafetensorsReader(path, stream, entries, metadata, dataStart);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Whether the file holds a tensor called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The header entry of <paramref name="name"/>; a missing name is an <see cref="InvalidFileException"/> naming the file.</summary>
    public SafetensorsEntry Entry(string name) =>
        _byName.TryGetValue(name, out var e) ? e : throw new CondenseException($"{Path}: no tensor named '{name}'");

    /// <summary>Reads the tensor called <paramref name="name"/> into memory.</summary>
    public NamedTensor Read(string name) => Read(Entry(name));

    /// <summary>Reads the bytes of <paramref name="entry"/> into memory as a <see cref="NamedTensor"/>.</summary>
    public NamedTensor Read(SafetensorsEntry entry)
    {
        var data = new byte[entry.ByteLength];
        ReadInto(entry, data);
        return new NamedTensor(entry.Name, entry.DType, entry.Shape, data);
    }

    /// <summary>Reads a tensor's bytes into a caller's buffer of exactly its length (no allocation).</summary>
    public void ReadInto(SafetensorsEntry entry, Span<byte> destination)
    {
        if (destination.Length != entry.ByteLength)
            throw new ArgumentException($"buffer of {destination.Length} bytes for tensor '{entry.Name}' of {entry.ByteLength}", nameof(destination));
        lock (_stream)
        {
            _stream.Position = DataStart + entry.Begin;
            try
            {
                _stream.ReadExactly(destination);
            }
            catch (EndOfStreamException)
            {
                throw new InvalidFileException(Path, $"tensor '{entry.Name}' is truncated (file changed while reading?)");
            }
        }
    }

    /// <summary>Reads a whole file already in memory (an upload): every tensor and the metadata.</summary>
    public static (IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) ReadAll(byte[] bytes, string name)
    {
        using var reader = Open(new MemoryStream(bytes, writable: false), name);
        return (reader.Entries.Select(reader.Read).ToList(), reader.Metadata);
    }

    /// <summary>Reads a whole file: every tensor and the metadata.</summary>
    public static (IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) ReadAll(string path)
    {
        using var reader = Open(path);
        return (reader.Entries.Select(reader.Read).ToList(), reader.Metadata);
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _stream.Dispose();
}
