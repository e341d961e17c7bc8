using Condense.Codecs;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Condense.Formats;
using Condense.Models;

namespace Condense.Pruning;

/// <summary>
/// Condense's sparse model file (<c>.csparse</c>): weights (Linear matrices and convolution
/// kernels) in plain CSR or Deep Compression's relative-index form, biases and BatchNorm
/// statistics dense, model metadata as in the safetensors files. The size reported is the size
/// written: <see cref="SparseFileReport"/> accounts for every byte.
/// </summary>
/// <remarks>
/// Layout, little-endian: "CONDSPRS", uint32 version (1), uint32 n + n bytes of UTF-8 JSON
/// metadata (an object of strings), uint32 tensor count, then per tensor: uint16 n + UTF-8 name,
/// uint8 rank, rank × uint32 dims, uint8 encoding and its payload —
/// dense: numel × float32; CSR (rank ≥ 2, rows = dims[0], columns = the other dims flattened: a
/// kernel out × in × k × k as out × (in·k·k)): uint32 nnz, (rows+1) × uint32 pointers, nnz × uint32
/// columns, nnz × float32 values; relative: uint8 bits, uint32 entries, ⌈entries·bits/8⌉ bytes
/// of gaps (LSB first), entries × float32 values. Nothing may follow the last tensor.
/// The reader checks every length against the bytes left before allocating, caps what a file may
/// expand to, and throws <see cref="InvalidFileException"/> and nothing else for bad input.
/// </remarks>
public static class SparseModelFile
{
    /// <summary>The file extension of Condense's compact sparse model files.</summary>
    public const string Extension = ".csparse";
    static ReadOnlySpan<byte> Magic => "CONDSPRS"u8;
    const uint Version = 1;
    const long MaxFileBytes = 1L << 30;
    const int MaxMetadataBytes = 1 << 20;
    const int MaxTensors = 65536;
    const int MaxRank = 8;
    const long MaxElements = 1L << 28;

    /// <summary>Writes a model's parameters (via <see cref="AtomicFile"/>) and reports the bytes of each part.</summary>
    public static SparseFileReport Save(string path, CondenseModel model, SparseStorageOptions? options = null, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        var metadata = new Dictionary<string, string>(model.Describe()) { [ModelFile.FormatKey] = ModelFile.FormatVersion };
        foreach (var (k, v) in extraMetadata ?? new Dictionary<string, string>()) metadata[k] = v;
        return Write(path, ModelFile.Weights(model), metadata, options);
    }

    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> atomically, each weight of rank ≥ 2 (matrix or conv kernel) as relative-index sparse entries when that is smaller than dense, and reports the bytes per tensor.</summary>
    public static SparseFileReport Write(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata, SparseStorageOptions? options = null)
    {
        var (bytes, report) = Encode(tensors, metadata, options);
        AtomicFile.WriteAllBytes(path, bytes);
        var written = new FileInfo(path).Length;
        if (written != report.FileBytes) throw new CondenseException($"{path}: wrote {written} bytes, expected {report.FileBytes}");
        return report;
    }

    /// <summary>The file's bytes and their accounting, with no file involved.</summary>
    public static (byte[] Bytes, SparseFileReport Report) Encode(IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata, SparseStorageOptions? options = null)
    {
        options ??= new SparseStorageOptions();
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        var json = JsonSerializer.SerializeToUtf8Bytes(metadata);
        w.Write((uint)json.Length);
        w.Write(json);
        w.Write((uint)tensors.Count);
        var header = stream.Position;
        var reports = new List<SparseTensorReport>();
        foreach (var t in tensors)
        {
            var start = stream.Position;
            var values = t.ToFloat32();
            var name = Encoding.UTF8.GetBytes(t.Name);
            if (name.Length is 0 or > 1024) throw new CondenseException($"tensor name '{t.Name}' must be 1–1024 UTF-8 bytes");
            if (t.Shape.Length is < 1 or > MaxRank || t.Shape.Any(d => d is < 1 or > uint.MaxValue))
                throw new CondenseException($"tensor '{t.Name}': shape [{string.Join(", ", t.Shape)}] cannot be stored (rank 1–{MaxRank}, dimensions ≥ 1)");
            w.Write((ushort)name.Length);
            w.Write(name);
            w.Write((byte)t.Shape.Length);
            foreach (var d in t.Shape) w.Write((uint)d);
            var nonzeros = values.LongCount(v => v != 0);
            var (encoding, bits, entries) = Choose(values, t.Shape, options);
            w.Write((byte)encoding);
            switch (encoding)
            {
                case SparseEncoding.Dense:
                    w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
                    break;
                case SparseEncoding.Csr:
                {
                    var csr = CsrMatrix.Encode(values, (int)t.Shape[0], (int)(values.LongLength / t.Shape[0]));
                    w.Write((uint)csr.NonzeroCount);
                    foreach (var p in csr.RowPointers) w.Write((uint)p);
                    foreach (var c in csr.ColumnIndices) w.Write((uint)c);
                    w.Write(MemoryMarshal.AsBytes(csr.Values.AsSpan()));
                    break;
                }
                case SparseEncoding.RelativeIndex:
                {
                    var rel = RelativeIndexSparse.Encode(values, bits!.Value);
                    w.Write((byte)rel.Bits);
                    w.Write((uint)rel.EntryCount);
                    w.Write(RelativeIndex.Pack(rel.Gaps, rel.Bits));
                    w.Write(MemoryMarshal.AsBytes(rel.Values.AsSpan()));
                    break;
                }
            }
            w.Flush();
            reports.Add(new SparseTensorReport(t.Name, t.Shape, encoding, bits, nonzeros, entries, stream.Position - start));
        }
        w.Flush();
        return (stream.ToArray(), new SparseFileReport(stream.Length, header, reports));
    }

    static (SparseEncoding, int?, long) Choose(float[] values, long[] shape, SparseStorageOptions options)
    {
        long dense = 4L * values.Length;
        if (shape.Length < 2 || options.Encoding == SparseEncoding.Dense) return (SparseEncoding.Dense, null, values.Length);
        if (options.Encoding == SparseEncoding.Csr)
        {
            var nnz = values.LongCount(v => v != 0);
            var bytes = 4 + 4 * (shape[0] + 1) + 8 * nnz;
            return options.FallBackToDense && bytes >= dense ? (SparseEncoding.Dense, null, values.Length) : (SparseEncoding.Csr, null, nnz);
        }
        var bits = options.Bits ?? RelativeIndex.BestBits(values);
        var entries = RelativeIndex.EntriesFor<float>(values, bits);
        var relBytes = 5 + RelativeIndex.PackedGapBytes(entries, bits) + 4 * entries;
        return options.FallBackToDense && relBytes >= dense ? (SparseEncoding.Dense, null, values.Length) : (SparseEncoding.RelativeIndex, bits, entries);
    }

    /// <summary>Reads the tensors (decoded to dense float32) and the metadata.</summary>
    public static (IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new InvalidFileException(path, "file not found");
            if (info.Length > MaxFileBytes) throw new InvalidFileException(path, $"file of {info.Length} bytes is larger than the {MaxFileBytes} a sparse model may have");
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException ex)
        {
            throw new InvalidFileException(path, ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InvalidFileException(path, ex.Message);
        }
        return Decode(bytes, path);
    }

    /// <summary>Reads an MLP written by <see cref="Save"/>: its weights, zeros and all (a CNN's file is refused; see <see cref="LoadAny"/>).</summary>
    public static MlpModel Load(string path) => LoadWithMetadata(path).Model;

    /// <summary><see cref="Load"/>, and the metadata the file carries (its data set, training settings), from one read.</summary>
    public static (MlpModel Model, IReadOnlyDictionary<string, string> Metadata) LoadWithMetadata(string path)
    {
        var (tensors, metadata) = Read(path);
        if (Models.Cnn.CnnModelFile.IsCnn(metadata))
            throw new InvalidFileException(path, $"a {metadata["architecture"]} CNN: load it with {nameof(LoadAny)}");
        var model = ModelFile.Build(metadata, path);
        ModelFile.SetWeights(model, tensors, path);
        return (model, metadata);
    }

    /// <summary>
    /// Reads any model <see cref="Save"/> writes, an MLP or a CNN (LeNet-5, VGG, ResNet: conv
    /// kernels sparse, BatchNorm statistics dense), in evaluation mode, with the file's metadata.
    /// </summary>
    public static (CondenseModel Model, IReadOnlyDictionary<string, string> Metadata) LoadAny(string path)
    {
        var (tensors, metadata) = Read(path);
        if (!Models.Cnn.CnnModelFile.IsCnn(metadata))
        {
            var mlp = ModelFile.Build(metadata, path);
            ModelFile.SetWeights(mlp, tensors, path);
            return (mlp, metadata);
        }
        var cnn = ModelFile.WithWeights(Models.Cnn.CnnFactory.Build(metadata, path), tensors, path);
        cnn.eval();
        return (cnn, metadata);
    }

    /// <summary>Decodes a .csparse file from memory back to dense tensors; a malformed one is an <see cref="InvalidFileException"/> naming <paramref name="source"/>.</summary>
    public static (IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Decode(ReadOnlySpan<byte> bytes, string source)
    {
        var r = new ByteCursor(bytes, source);
        if (!r.Take(Magic.Length).SequenceEqual(Magic)) throw r.Bad("not a Condense sparse model (bad magic)");
        var version = r.U32();
        if (version != Version) throw r.Bad($"format version {version} is not supported (this reader knows {Version})");
        var metaLength = r.U32();
        if (metaLength > MaxMetadataBytes) throw r.Bad($"metadata of {metaLength} bytes exceeds {MaxMetadataBytes}");
        var metadata = ParseMetadata(r.Take((int)metaLength), r);
        var count = r.U32();
        if (count > MaxTensors) throw r.Bad($"{count} tensors exceed the limit of {MaxTensors}");
        // A sparse file legitimately expands; cap how far, so a tiny hostile file cannot claim gigabytes.
        var budget = Math.Min(MaxElements, Math.Max(1L << 24, 1024L * bytes.Length));
        var tensors = new List<NamedTensor>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var nameLength = r.U16();
            string name;
            try { name = new UTF8Encoding(false, true).GetString(r.Take(nameLength)); }
            catch (DecoderFallbackException) { throw r.Bad($"tensor {i}'s name is not UTF-8"); }
            if (name.Length == 0 || !names.Add(name)) throw r.Bad($"tensor {i} has an empty or repeated name '{name}'");
            var rank = r.U8();
            if (rank is < 1 or > MaxRank) throw r.Bad($"tensor '{name}' has rank {rank}, must be 1–{MaxRank}");
            var shape = new long[rank];
            long numel = 1;
            for (var d = 0; d < rank; d++)
            {
                shape[d] = r.U32();
                if (shape[d] < 1) throw r.Bad($"tensor '{name}' has a zero dimension");
                numel *= shape[d];
                if (numel > budget) throw r.Bad($"tensor '{name}' claims more elements than this file may hold ({budget})");
            }
            budget -= numel;
            var values = new float[numel];
            var encoding = r.U8();
            switch ((SparseEncoding)encoding)
            {
                case SparseEncoding.Dense:
                    r.Floats(values, $"tensor '{name}'");
                    break;
                case SparseEncoding.Csr:
                    ReadCsr(ref r, values, shape, name);
                    break;
                case SparseEncoding.RelativeIndex:
                    ReadRelative(ref r, values, name);
                    break;
                default:
                    throw r.Bad($"tensor '{name}' has unknown encoding {encoding}");
            }
            tensors.Add(NamedTensor.FromFloat32(name, values, shape));
        }
        if (r.Remaining != 0) throw r.Bad($"{r.Remaining} bytes follow the last tensor");
        return (tensors, metadata);
    }

    static void ReadCsr(ref ByteCursor r, float[] values, long[] shape, string name)
    {
        if (shape.Length < 2) throw r.Bad($"tensor '{name}': CSR needs a tensor of rank 2 or more");
        long rows = shape[0], cols = values.LongLength / rows;
        var nnz = r.U32();
        if (nnz > values.LongLength) throw r.Bad($"tensor '{name}': {nnz} nonzeros in {values.LongLength} elements");
        if ((rows + 1) * 4 + nnz * 8L > r.Remaining) throw r.Bad($"tensor '{name}': CSR arrays run past the end of the file");
        var pointers = new uint[rows + 1];
        for (var i = 0; i <= rows; i++) pointers[i] = r.U32();
        if (pointers[0] != 0 || pointers[rows] != nnz) throw r.Bad($"tensor '{name}': CSR row pointers must run from 0 to {nnz}");
        for (var row = 0; row < rows; row++)
            if (pointers[row + 1] < pointers[row] || pointers[row + 1] > nnz)
                throw r.Bad($"tensor '{name}': CSR row pointers decrease or exceed {nnz} at row {row}");
        var columns = new uint[nnz];
        for (var k = 0; k < nnz; k++) columns[k] = r.U32();
        var nz = new float[nnz];
        r.Floats(nz, $"tensor '{name}'");
        for (var row = 0; row < rows; row++)
        {
            long last = -1;
            for (var k = pointers[row]; k < pointers[row + 1]; k++)
            {
                if (columns[k] >= cols || columns[k] <= last) throw r.Bad($"tensor '{name}': CSR column {columns[k]} in row {row} is out of range or out of order");
                last = columns[k];
                values[row * cols + columns[k]] = nz[k];
            }
        }
    }

    static void ReadRelative(ref ByteCursor r, float[] values, string name)
    {
        var bits = r.U8();
        if (bits is < RelativeIndex.MinBits or > RelativeIndex.MaxBits) throw r.Bad($"tensor '{name}': relative index width {bits} must be 1–8");
        var entries = r.U32();
        if (entries > values.LongLength) throw r.Bad($"tensor '{name}': {entries} entries for {values.LongLength} elements");
        var packedBytes = RelativeIndex.PackedGapBytes(entries, bits);
        if (packedBytes + 4L * entries > r.Remaining) throw r.Bad($"tensor '{name}': relative-index arrays run past the end of the file");
        var gaps = RelativeIndex.Unpack(r.Take((int)packedBytes), (int)entries, bits);
        var nz = new float[entries];
        r.Floats(nz, $"tensor '{name}'");
        long[] positions;
        try { positions = RelativeIndex.Positions<byte>(gaps, values.LongLength, $"tensor '{name}'"); }
        catch (CondenseException ex) { throw r.Bad(ex.Message); }
        for (var j = 0; j < positions.Length; j++) values[positions[j]] = nz[j];
    }

    static Dictionary<string, string> ParseMetadata(ReadOnlySpan<byte> json, ByteCursor r)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw r.Bad("metadata is not a JSON object");
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String) throw r.Bad($"metadata '{p.Name}' is not a string");
                result[p.Name] = p.Value.GetString()!;
            }
            return result;
        }
        catch (JsonException ex)
        {
            throw r.Bad($"metadata is not valid JSON ({ex.Message.ReplaceLineEndings(" ")})");
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json checks a string's UTF-8 only when it is read (found by fuzzing).
            throw r.Bad($"metadata holds a string that is not valid UTF-8 ({ex.Message.TrimEnd('.')})");
        }
    }
}
