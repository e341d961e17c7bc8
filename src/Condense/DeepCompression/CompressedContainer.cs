using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Condense.Formats;
using Condense.Quantization;

namespace Condense.DeepCompression;

/// <summary>
/// Condense's compact container for a Deep-Compressed network (<c>.cdz</c>): the model's
/// description (what <see cref="Models.CondenseModel.Describe"/> gives) and, per layer, a
/// <see cref="SparseSharedLayer"/> — Huffman-coded gaps and centroid indices, the codebook and
/// the float32 bias. Its length is the size Deep Compression reports.
/// </summary>
/// <remarks>
/// Layout, little-endian: "CNDZ", version (u8 = 1), metadata length (u32) + UTF-8 JSON object of
/// strings, layer count (u16); per layer: name length (u16) + UTF-8 name, rows and columns (u32),
/// bits and gap bits (u8), 2^bits float32 centroids, entry count (u32), then for gaps and for
/// indices: the Huffman code-length table (one byte per symbol), the bit length (u64) and
/// ⌈bits/8⌉ stream bytes; bias count (u32 = rows) and float32 biases.
/// The reader checks every length against what is left of the file before it allocates, checks
/// the code lengths (Kraft), that decoding lands exactly on the matrix, and that every value is
/// finite; anything else is an <see cref="InvalidFileException"/>.
/// </remarks>
public static class CompressedContainer
{
    static readonly byte[] Magic = "CNDZ"u8.ToArray();
    /// <summary>The format version written in the header; a reader rejects other versions rather than misreading them.</summary>
    public const byte Version = 1;
    const int MaxMetadata = 1 << 20;
    const int MaxLayers = 256;
    const int MaxName = 256;
    const int MaxDimension = 1 << 20;

    /// <summary>Writes a .cdz file atomically (a crash leaves the old file or none, never half of one).</summary>
    public static void Write(string path, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SparseSharedLayer> layers) =>
        AtomicFile.Write(path, stream => Write(stream, metadata, layers));

    /// <summary>Writes the container to <paramref name="stream"/>: for tests and callers that keep it in memory.</summary>
    public static void Write(Stream stream, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SparseSharedLayer> layers)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        var json = JsonSerializer.SerializeToUtf8Bytes(metadata);
        w.Write((uint)json.Length);
        w.Write(json);
        w.Write((ushort)layers.Count);
        foreach (var layer in layers)
        {
            var name = Encoding.UTF8.GetBytes(layer.Name);
            w.Write((ushort)name.Length);
            w.Write(name);
            w.Write((uint)layer.Rows);
            w.Write((uint)layer.Columns);
            w.Write((byte)layer.Bits);
            w.Write((byte)layer.GapBits);
            foreach (var c in layer.Codebook) w.Write(c);
            w.Write((uint)layer.Entries);
            WriteCode(w, layer.Gaps);
            WriteCode(w, layer.Indices);
            w.Write((uint)layer.Bias.Length);
            foreach (var b in layer.Bias) w.Write(b);
        }
    }

    static void WriteCode(BinaryWriter w, HuffmanCode code)
    {
        w.Write(code.CodeLengths);
        w.Write((ulong)code.BitLength);
        w.Write(code.Stream);
    }

    /// <summary>Reads a .cdz file; a malformed one is an <see cref="InvalidFileException"/> naming <paramref name="path"/>.</summary>
    public static (IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<SparseSharedLayer> Layers) Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException ex) { throw new InvalidFileException(path, ex.Message); }
        return Read(bytes, path);
    }

    /// <summary>Reads a container from memory, checking every length before allocating; <paramref name="source"/> names it in errors.</summary>
    public static (IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<SparseSharedLayer> Layers) Read(ReadOnlySpan<byte> data, string source)
    {
        var r = new ByteCursor(data, source);
        if (!r.Take(4).SequenceEqual(Magic)) throw new InvalidFileException(source, "not a Condense container (no CNDZ magic)");
        var version = r.U8();
        if (version != Version) throw new InvalidFileException(source, $"container version {version} is not supported (expected {Version})");
        var metaLength = r.U32();
        if (metaLength > MaxMetadata) throw new InvalidFileException(source, $"metadata of {metaLength} bytes is over the {MaxMetadata}-byte limit");
        Dictionary<string, string> metadata;
        try
        {
            metadata = JsonSerializer.Deserialize<Dictionary<string, string>>(r.Take((int)metaLength))
                ?? throw new InvalidFileException(source, "metadata is null");
        }
        catch (JsonException ex) { throw new InvalidFileException(source, $"metadata is not a JSON object of strings ({ex.Message.ReplaceLineEndings(" ")})"); }
        var count = r.U16();
        if (count > MaxLayers) throw new InvalidFileException(source, $"{count} layers is over the {MaxLayers}-layer limit");
        var layers = new List<SparseSharedLayer>(count);
        for (var l = 0; l < count; l++) layers.Add(ReadLayer(ref r, source));
        if (r.Remaining != 0) throw new InvalidFileException(source, $"{r.Remaining} unexpected bytes after the last layer");
        return (metadata, layers);
    }

    static SparseSharedLayer ReadLayer(ref ByteCursor r, string source)
    {
        var nameLength = r.U16();
        if (nameLength is 0 or > MaxName) throw new InvalidFileException(source, $"layer name length {nameLength} is not in 1–{MaxName}");
        string name;
        try { name = new UTF8Encoding(false, true).GetString(r.Take(nameLength)); }
        catch (DecoderFallbackException) { throw new InvalidFileException(source, "a layer name is not UTF-8"); }
        var rows = r.U32();
        var columns = r.U32();
        if (rows is 0 or > MaxDimension || columns is 0 or > MaxDimension)
            throw new InvalidFileException(source, $"{name}: shape {rows}×{columns} is not in 1–{MaxDimension} each");
        int bits = r.U8(), gapBits = r.U8();
        if (bits is < 1 or > 8 || gapBits is < 1 or > 8)
            throw new InvalidFileException(source, $"{name}: bits {bits} and gap bits {gapBits} must each be in 1–8");
        var codebook = r.Floats(1 << bits, name);
        if (codebook[0] != 0) throw new InvalidFileException(source, $"{name}: centroid 0 is {codebook[0]}, must be 0");
        var entries = r.U32();
        // Each entry takes at least one bit in each stream, and covers at most 2^gapBits positions.
        if (entries > (ulong)r.Remaining * 8) throw new InvalidFileException(source, $"{name}: {entries} entries cannot fit in the {r.Remaining} bytes left");
        if ((ulong)rows * columns > (ulong)entries << gapBits)
            throw new InvalidFileException(source, $"{name}: {entries} entries cannot cover a {rows}×{columns} matrix");
        var gaps = ReadCode(ref r, source, name, 1 << gapBits, (int)entries);
        var indices = ReadCode(ref r, source, name, 1 << bits, (int)entries);
        var biasCount = r.U32();
        if (biasCount != rows) throw new InvalidFileException(source, $"{name}: {biasCount} biases for {rows} rows");
        var bias = r.Floats((int)biasCount, name);
        var layer = new SparseSharedLayer(name, (int)rows, (int)columns, bits, gapBits, codebook, gaps, indices, bias);
        try { layer.DecodeWeights(); }
        catch (CondenseException ex) when (ex is not InvalidFileException)
        {
            throw new InvalidFileException(source, ex.Message);
        }
        return layer;
    }

    static HuffmanCode ReadCode(ref ByteCursor r, string source, string layer, int alphabet, int count)
    {
        var lengths = r.Take(alphabet).ToArray();
        // Kraft: Σ 2^−len ≤ 1, and at least one symbol when there is anything to decode.
        double kraft = 0;
        var used = 0;
        foreach (var len in lengths)
        {
            if (len > Huffman.MaxCodeLength) throw new InvalidFileException(source, $"{layer}: Huffman code length {len} exceeds {Huffman.MaxCodeLength}");
            if (len > 0) { kraft += Math.Pow(2, -len); used++; }
        }
        if (kraft > 1 + 1e-12) throw new InvalidFileException(source, $"{layer}: Huffman code lengths are over-subscribed (not a prefix code)");
        if (count > 0 && used == 0) throw new InvalidFileException(source, $"{layer}: Huffman table is empty but {count} symbols follow");
        var bitLength = r.U64();
        var streamBytes = (bitLength + 7) / 8;
        if (streamBytes > (ulong)r.Remaining) throw new InvalidFileException(source, $"{layer}: a {bitLength}-bit stream runs past the end of the file");
        if (used > 1 && bitLength < (ulong)count) throw new InvalidFileException(source, $"{layer}: {bitLength} bits cannot hold {count} symbols");
        return new HuffmanCode(lengths, r.Take((int)streamBytes).ToArray(), (long)bitLength, count);
    }
}
