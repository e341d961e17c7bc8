using System.Buffers.Binary;

namespace Condense.Formats;

/// <summary>
/// Writes safetensors files: 8-byte little-endian header length, the JSON header padded with
/// spaces to 8-byte alignment, then the tensors' bytes back to back in the order given. The
/// file appears only when complete (<see cref="AtomicFile"/>).
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> (and <paramref name="metadata"/> as <c>__metadata__</c>) to <paramref name="path"/> atomically, in the order given.</summary>
    public static void Write(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.Write(path, stream => Write(stream, tensors, metadata));

    /// <summary>Writes the safetensors bytes to <paramref name="stream"/>, for callers that keep the file in memory.</summary>
    public static void Write(Stream stream, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var (header, _) = SafetensorsHeader.Build(tensors.Select(t => (t.Name, t.DType, t.Shape)), metadata);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (var tensor in tensors)
            stream.Write(tensor.Data);
    }
}
