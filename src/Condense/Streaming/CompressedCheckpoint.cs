using System.Runtime.InteropServices;
using System.Text.Json;
using Condense.Formats;

namespace Condense.Streaming;

/// <summary>
/// Reads back what <see cref="StreamCompressor"/> wrote (one file or a sharded folder): per
/// original tensor its encoding, original dtype and dequantized float32 values, and
/// <see cref="Expand"/> writes a whole dequantized checkpoint, chunk by chunk, with the same shards.
/// </summary>
public sealed class CompressedCheckpoint : IDisposable
{
    readonly ShardedCheckpoint _checkpoint;
    readonly Dictionary<string, (SafetensorsReader Shard, string Encoding, TensorDType DType)> _tensors = new(StringComparer.Ordinal);
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
                    if (!shard.Contains(t.Name) || encoding == "int8" && !shard.Contains(t.Name + Int8PerChannelCompressor.ScaleSuffix)
                        || encoding == "kmeans8" && !shard.Contains(t.Name + KMeans8Compressor.CodebookSuffix))
                        throw new InvalidFileException(shard.Path, $"tensor '{t.Name}' lacks its {encoding} data");
                    _tensors[t.Name] = (shard, encoding, dtype);
                    _order.Add(t.Name);
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                throw new InvalidFileException(shard.Path, $"{StreamCompressor.TensorsKey} is malformed");
            }
        }
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
        var (shard, encoding, _) = Find(name);
        var codes = shard.Read(name);
        var values = new float[codes.ElementCount];
        Decode(shard, name, encoding, codes.Data, 0, values);
        return NamedTensor.FromFloat32(name, values, codes.Shape);
    }

    (SafetensorsReader Shard, string Encoding, TensorDType DType) Find(string name) =>
        _tensors.TryGetValue(name, out var t) ? t : throw new CondenseException($"{_checkpoint.Root}: no tensor named '{name}'");

    static void Decode(SafetensorsReader shard, string name, string encoding, ReadOnlySpan<byte> codes, long firstElement, Span<float> values)
    {
        var entry = shard.Entry(name);
        switch (encoding)
        {
            case "int8":
            {
                var scales = shard.Read(name + Int8PerChannelCompressor.ScaleSuffix).ToFloat32();
                var row = TensorSource.RowElementsOf(entry.Shape);
                var q = MemoryMarshal.Cast<byte, sbyte>(codes);
                for (var i = 0; i < values.Length; i++) values[i] = scales[(firstElement + i) / row] * q[i];
                break;
            }
            case "kmeans8":
            {
                var book = shard.Read(name + KMeans8Compressor.CodebookSuffix).ToFloat32();
                for (var i = 0; i < values.Length; i++) values[i] = book[codes[i]];
                break;
            }
            default:
                new NamedTensor(name, entry.DType, [codes.Length / entry.DType.SizeOf()], codes.ToArray()).ToFloat32().CopyTo(values);
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
            var specs = names.Select(n => (n, _tensors[n].Encoding == "raw" ? shard.Entry(n).DType : TensorDType.F32, shard.Entry(n).Shape)).ToList();
            var metadata = shard.Metadata.Where(kv => !kv.Key.StartsWith("condense.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            metadata["condense.expanded_from"] = Method;
            AtomicFile.Write(Path.Combine(output, fileName), stream =>
            {
                var writer = new SafetensorsStreamWriter(stream, specs, metadata);
                foreach (var name in names)
                {
                    var entry = shard.Entry(name);
                    var encoding = _tensors[name].Encoding;
                    var row = TensorSource.RowElementsOf(entry.Shape);
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
                        Decode(shard, name, encoding, codes, first, values);
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
