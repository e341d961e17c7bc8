using System.Text.Json;

namespace Condense.Formats;

/// <summary>
/// The index of a sharded safetensors checkpoint (<c>model.safetensors.index.json</c>, as
/// Hugging Face writes it): <c>{"metadata": {...}, "weight_map": {"tensor": "shard file"}}</c>.
/// Parsing is defensive: the file is size-bounded, a tensor named twice and a shard name that is
/// not a plain <c>.safetensors</c> file name (a path that could escape the folder) are refused.
/// </summary>
public sealed class ShardIndex
{
    /// <summary>The index file name Hugging Face uses and Condense writes.</summary>
    public const string FileName = "model.safetensors.index.json";

    /// <summary>Largest index accepted: a 100k-tensor model's index is a few MB.</summary>
    public const long MaxBytes = 64L << 20;

    /// <summary>An index in memory; a tensor named twice or a shard name that is not a plain .safetensors file name is an <see cref="InvalidFileException"/>.</summary>
    public ShardIndex(IReadOnlyList<KeyValuePair<string, string>> weightMap, IReadOnlyDictionary<string, string> metadata)
    {
        WeightMap = weightMap;
        Metadata = metadata;
    }

    /// <summary>Tensor name → shard file name, in the order the index lists them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> WeightMap { get; }

    /// <summary>The index's metadata, values as text (numbers such as total_size included).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Distinct shard file names in sorted order.</summary>
    public IReadOnlyList<string> Shards => WeightMap.Select(kv => kv.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>Reads and checks the index file at <paramref name="path"/> (size-bounded).</summary>
    public static ShardIndex Read(string path)
    {
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxBytes)
                throw new InvalidFileException(path, $"index of {length} bytes exceeds the {MaxBytes}-byte limit");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidFileException(path, ex is FileNotFoundException ? "no such file" : ex.Message);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses index JSON from memory; <paramref name="source"/> names it in errors.</summary>
    public static ShardIndex Parse(ReadOnlySpan<byte> json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            throw new InvalidFileException(source, $"index is not valid JSON ({ex.Message.Split('.')[0]})");
        }
        using (doc)
        {
            try
            {
                return FromDocument(doc, source);
            }
            catch (InvalidOperationException ex)
            {
                // System.Text.Json checks a string's UTF-8 (and escaped surrogates) only when it is
                // read, and says so with InvalidOperationException (found by fuzzing).
                throw new InvalidFileException(source, $"index holds a string that is not valid UTF-8 ({ex.Message.TrimEnd('.')})");
            }
        }
    }

    static ShardIndex FromDocument(JsonDocument doc, string source)
    {
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new InvalidFileException(source, "index is not a JSON object");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (doc.RootElement.TryGetProperty("metadata", out var meta))
        {
            if (meta.ValueKind != JsonValueKind.Object)
                throw new InvalidFileException(source, "index metadata is not an object");
            foreach (var kv in meta.EnumerateObject())
                metadata[kv.Name] = kv.Value.ValueKind == JsonValueKind.String ? kv.Value.GetString()! : kv.Value.GetRawText();
        }
        if (!doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            throw new InvalidFileException(source, "index has no weight_map object");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var weights = new List<KeyValuePair<string, string>>();
        foreach (var kv in map.EnumerateObject())
        {
            if (!seen.Add(kv.Name))
                throw new InvalidFileException(source, $"index names tensor '{kv.Name}' twice");
            if (kv.Value.ValueKind != JsonValueKind.String)
                throw new InvalidFileException(source, $"index maps tensor '{kv.Name}' to a non-string");
            var shard = kv.Value.GetString()!;
            CheckShardName(shard, source);
            weights.Add(new(kv.Name, shard));
        }
        if (weights.Count == 0)
            throw new InvalidFileException(source, "index weight_map is empty");
        return new ShardIndex(weights, metadata);
    }

    static void CheckShardName(string shard, string source)
    {
        if (shard.Length == 0 || shard.Length > 255 || shard != Path.GetFileName(shard) || shard is "." or ".."
            || shard.Contains('/') || shard.Contains('\\') || shard.Any(char.IsControl)
            || !shard.EndsWith(".safetensors", StringComparison.Ordinal))
            throw new InvalidFileException(source, $"index names shard '{shard}', which is not a plain .safetensors file name");
    }

    /// <summary>The index as JSON: metadata (total_size as a number) then weight_map sorted by tensor name.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("metadata");
            foreach (var (k, v) in Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (k == "total_size" && long.TryParse(v, out var size)) w.WriteNumber(k, size);
                else w.WriteString(k, v);
            }
            w.WriteEndObject();
            w.WriteStartObject("weight_map");
            foreach (var (k, v) in WeightMap.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                w.WriteString(k, v);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        buffer.Write("\n"u8);
        return buffer.ToArray();
    }

    /// <summary>Hugging Face's shard name: <c>model-00001-of-00004.safetensors</c> (1-based).</summary>
    public static string ShardName(int index, int count) => $"model-{index:D5}-of-{count:D5}.safetensors";
}
