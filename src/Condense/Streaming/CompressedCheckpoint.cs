using System.Runtime.InteropServices;
using System.Text.Json;
using Condense.Formats;
using Condense.Models;

namespace Condense.Streaming;

/// <summary>
/// Reads back what <see cref="StreamCompressor"/> wrote (one file or a sharded folder): per
/// original tensor its encoding, original dtype and dequantized float32 values, and
/// <see cref="Expand"/> writes a whole dequantized checkpoint, chunk by chunk, with the same shards.
/// </summary>
public sealed class CompressedCheckpoint : IDisposable
{
    readonly ShardedCheckpoint _checkpoint;
    /// <summary>Per original tensor: its shard, encoding, original dtype, the tensors holding its codes and their values (scales, codebook), and its shape.</summary>
    sealed record Stored(SafetensorsReader Shard, string Encoding, TensorDType DType, string Codes, string? Side, long[] Shape);

    readonly Dictionary<string, Stored> _tensors = new(StringComparer.Ordinal);
    readonly List<string> _order = [];

    CompressedCheckpoint(ShardedCheckpoint checkpoint)
    {
        _checkpoint = checkpoint;
        foreach (var shard in checkpoint.Shards)
        {
            if (!shard.Metadata.TryGetValue(StreamCompressor.FormatKey, out var format) || format != StreamCompressor.FormatName)
                throw new InvalidFileException(shard.Path, $"not a Condense streaming output (no {StreamCompressor.FormatKey} = {StreamCompressor.FormatName} in its metadata)");
            Method = shard.Metadata.GetValueOrDefault(StreamCompressor.MethodKey, "");
            if (!shard.Metadata.TryGetValue(StreamCompressor.TensorsKey, out var json))
                throw new InvalidFileException(shard.Path, $"metadata lacks {StreamCompressor.TensorsKey}");
            var shapes = KMeansShapes(shard);
            try
            {
                using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
                foreach (var t in doc.RootElement.EnumerateObject())
                {
                    var encoding = t.Value.GetProperty("encoding").GetString() ?? "";
                    var dtypeName = t.Value.GetProperty("dtype").GetString() ?? "";
                    if (!TensorDTypes.TryParseSafetensorsName(dtypeName, out var dtype))
                        throw new InvalidFileException(shard.Path, $"tensor '{t.Name}' has unknown original dtype '{dtypeName}'");
                    if (encoding is not ("raw" or "int8" or "kmeans8"))
                        throw new InvalidFileException(shard.Path, $"tensor '{t.Name}' has unknown encoding '{encoding}'");
                    _tensors[t.Name] = Locate(shard, t.Name, encoding, dtype, shapes);
                    _order.Add(t.Name);
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                throw new InvalidFileException(shard.Path, $"{StreamCompressor.TensorsKey} is malformed");
            }
        }
    }

    /// <summary>
    /// Where a tensor's codes are and what shape it has: k-means writes the quantized model file's
    /// layout (<c>{name}.indices</c>, flat, with the shape in <see cref="QuantizedModelFile.MetadataKey"/>);
    /// int8 and raw tensors keep their name and shape. Shards written before k-means took that layout
    /// (U8 codes under the tensor's own name and shape, no description) still read.
    /// </summary>
    static Stored Locate(SafetensorsReader shard, string name, string encoding, TensorDType dtype, IReadOnlyDictionary<string, long[]> shapes)
    {
        var indices = name + QuantizedModelFile.IndicesSuffix;
        var earlier = encoding == "kmeans8" && !shard.Contains(indices) && !shapes.ContainsKey(name) && shard.Contains(name) && shard.Entry(name).DType == TensorDType.U8;
        var codes = encoding == "kmeans8" && !earlier ? indices : name;
        var side = encoding switch { "int8" => name + Int8PerChannelCompressor.ScaleSuffix, "kmeans8" => name + QuantizedModelFile.CodebookSuffix, _ => null };
        if (!shard.Contains(codes) || side is not null && !shard.Contains(side))
            throw new InvalidFileException(shard.Path, $"tensor '{name}' lacks its {encoding} data");
        var shape = shard.Entry(codes).Shape;
        if (encoding == "kmeans8" && !earlier)
        {
            if (!shapes.TryGetValue(name, out var described) || NamedTensor.ElementCountOf(described) != shard.Entry(codes).ElementCount)
                throw new InvalidFileException(shard.Path, $"tensor '{name}': its description in {QuantizedModelFile.MetadataKey} is missing or does not match its {shard.Entry(codes).ElementCount} indices");
            shape = described;
        }
        if (encoding == "kmeans8" && (shard.Entry(side!).DType != TensorDType.F32 || shard.Entry(side!).ElementCount != KMeans8Compressor.Clusters))
            throw new InvalidFileException(shard.Path, $"tensor '{name}': codebook is not {KMeans8Compressor.Clusters} F32 centroids");
        return new Stored(shard, encoding, dtype, codes, side, shape);
    }

    /// <summary>The shapes the shard's k-means description gives (none when it has none).</summary>
    static Dictionary<string, long[]> KMeansShapes(SafetensorsReader shard)
    {
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        if (!shard.Metadata.TryGetValue(QuantizedModelFile.MetadataKey, out var json)) return shapes;
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
            foreach (var t in doc.RootElement.EnumerateObject())
                shapes[t.Name] = t.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new InvalidFileException(shard.Path, $"{QuantizedModelFile.MetadataKey} is malformed");
        }
        return shapes;
    }

    /// <summary>Opens a compressed file or folder (checked like any <see cref="ShardedCheckpoint"/>).</summary>
    public static CompressedCheckpoint Open(string path)
    {
        var checkpoint = ShardedCheckpoint.Open(path);
        try { return new CompressedCheckpoint(checkpoint); }
        catch { checkpoint.Dispose(); throw; }
    }

    /// <summary>"int8" or "kmeans8".</summary>
    public string Method { get; private set; } = "";

    /// <summary>The original tensors, in file order.</summary>
    public IReadOnlyList<string> Tensors => _order;

    /// <summary>How tensor <paramref name="name"/> was stored ("int8", "kmeans8" or "copy").</summary>
    public string EncodingOf(string name) => Find(name).Encoding;
    /// <summary>The element type tensor <paramref name="name"/> had in the source, which a reader restores.</summary>
    public TensorDType OriginalDType(string name) => Find(name).DType;

    /// <summary>The tensor's dequantized values as float32 (raw tensors converted by value).</summary>
    public NamedTensor ReadFloat32(string name)
    {
        var t = Find(name);
        var codes = t.Shard.Read(t.Codes);
        var values = new float[codes.ElementCount];
        Decode(t, codes.Data, 0, values);
        return NamedTensor.FromFloat32(name, values, t.Shape);
    }

    Stored Find(string name) =>
        _tensors.TryGetValue(name, out var t) ? t : throw new CondenseException($"{_checkpoint.Root}: no tensor named '{name}'");

    static void Decode(Stored t, ReadOnlySpan<byte> codes, long firstElement, Span<float> values)
    {
        var (shard, encoding, name) = (t.Shard, t.Encoding, t.Codes);
        switch (encoding)
        {
            case "int8":
            {
                var scales = shard.Read(t.Side!).ToFloat32();
                var row = TensorSource.RowElementsOf(t.Shape);
                var q = MemoryMarshal.Cast<byte, sbyte>(codes);
                for (var i = 0; i < values.Length; i++) values[i] = scales[(firstElement + i) / row] * q[i];
                break;
            }
            case "kmeans8":
            {
                var book = shard.Read(t.Side!).ToFloat32();
                for (var i = 0; i < values.Length; i++) values[i] = book[codes[i]];
                break;
            }
            default:
                var dtype = shard.Entry(name).DType;
                new NamedTensor(name, dtype, [codes.Length / dtype.SizeOf()], codes.ToArray()).ToFloat32().CopyTo(values);
                break;
        }
    }

    /// <summary>
    /// Writes the dequantized checkpoint to <paramref name="outputFolder"/>: compressed tensors as
    /// F32 under their own names (side tensors dropped), raw ones unchanged, same shard files and
    /// index. Each tensor is decoded in chunks of about 4 MB of codes.
    /// </summary>
    public void Expand(string outputFolder, CancellationToken cancellation = default)
    {
        var output = Path.GetFullPath(outputFolder);
        Directory.CreateDirectory(output);
        var map = new List<KeyValuePair<string, string>>();
        long totalSize = 0;
        foreach (var shard in _checkpoint.Shards)
        {
            var fileName = Path.GetFileName(shard.Path);
            if (Path.GetFullPath(shard.Path) == Path.Combine(output, fileName))
                throw new CondenseException($"{shard.Path}: the output folder holds the input; choose another output folder");
            var names = _order.Where(n => _tensors[n].Shard == shard).ToList();
            var specs = names.Select(n => (n, _tensors[n].Encoding == "raw" ? shard.Entry(n).DType : TensorDType.F32, _tensors[n].Shape)).ToList();
            var metadata = shard.Metadata.Where(kv => !kv.Key.StartsWith("condense.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            metadata["condense.expanded_from"] = Method;
            AtomicFile.Write(Path.Combine(output, fileName), stream =>
            {
                var writer = new SafetensorsStreamWriter(stream, specs, metadata);
                foreach (var name in names)
                {
                    var stored = _tensors[name];
                    var entry = shard.Entry(stored.Codes);
                    var encoding = stored.Encoding;
                    var row = TensorSource.RowElementsOf(stored.Shape);
                    var chunk = Math.Max(1, (4L << 20) / (row * entry.DType.SizeOf())) * row;
                    for (long first = 0; first < entry.ElementCount; first += chunk)
                    {
                        cancellation.ThrowIfCancellationRequested();
                        var count = (int)Math.Min(chunk, entry.ElementCount - first);
                        var size = entry.DType.SizeOf();
                        var codes = new byte[count * size];
                        ReadRange(shard, entry, first * size, codes);
                        if (encoding == "raw") { writer.Write(codes); continue; }
                        var values = new float[count];
                        Decode(stored, codes, first, values);
                        writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
                    }
                    totalSize += writer.Entries.First(e => e.Name == name).ByteLength;
                    map.Add(new(name, fileName));
                }
                writer.Complete();
            });
        }
        if (_checkpoint.IsSharded)
        {
            var metadata = new Dictionary<string, string> { ["total_size"] = totalSize.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            AtomicFile.WriteAllBytes(Path.Combine(output, ShardIndex.FileName), new ShardIndex(map, metadata).ToJson());
        }
    }

    static void ReadRange(SafetensorsReader shard, SafetensorsEntry entry, long offset, Span<byte> destination)
    {
        using var handle = File.OpenHandle(shard.Path);
        var position = shard.DataStart + entry.Begin + offset;
        while (destination.Length > 0)
        {
            var n = RandomAccess.Read(handle, destination, position);
            if (n == 0) throw new InvalidFileException(shard.Path, $"shard is truncated mid-tensor: tensor '{entry.Name}'");
            destination = destination[n..];
            position += n;
        }
    }

    /// <summary>Closes the shards.</summary>
    public void Dispose() => _checkpoint.Dispose();
}
