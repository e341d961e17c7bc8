using System.Text.Json;

namespace Condense.Formats;

/// <summary>
/// Parses and builds the JSON header of a safetensors file, enforcing the format's rules
/// (those of the reference implementation, huggingface/safetensors): every tensor has a known
/// dtype, a non-negative shape and offsets; the tensors tile the data section exactly, in order,
/// with no gap and no overlap; and each tensor's byte length is its element count times its
/// element size. A file that breaks any rule is refused with the rule it broke.
/// </summary>
internal static class SafetensorsHeader
{
    /// <summary>Largest header the reader accepts, as in the reference implementation.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public const string MetadataKey = "__metadata__";

    public static (IReadOnlyList<SafetensorsEntry> Entries, IReadOnlyDictionary<string, string> Metadata) Parse(
        ReadOnlySpan<byte> json, long dataLength, string source)
    {
        if (json.Length == 0 || json[0] != (byte)'{')
            throw new InvalidFileException(source, "safetensors header is not a JSON object");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            throw new InvalidFileException(source, $"safetensors header is not valid JSON ({ex.Message.Split('.')[0]})");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidFileException(source, "safetensors header is not a JSON object");
            var entries = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            try
            {
                foreach (var property in doc.RootElement.EnumerateObject())
                {
                    if (!names.Add(property.Name))
                        throw new InvalidFileException(source, $"safetensors header names '{property.Name}' twice");
                    if (property.Name == MetadataKey)
                    {
                        ParseMetadata(property.Value, metadata, source);
                        continue;
                    }
                    entries.Add(ParseEntry(property.Name, property.Value, source));
                }
            }
            catch (InvalidOperationException ex)
            {
                // System.Text.Json checks a string's UTF-8 (and escaped surrogates) only when it is
                // read, and says so with InvalidOperationException (found by fuzzing).
                throw new InvalidFileException(source, $"safetensors header holds a string that is not valid UTF-8 ({ex.Message.TrimEnd('.')})");
            }
            CheckTiling(entries, dataLength, source);
            return (entries, metadata);
        }
    }

    static void ParseMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidFileException(source, "safetensors __metadata__ is not an object");
        foreach (var kv in value.EnumerateObject())
        {
            if (kv.Value.ValueKind != JsonValueKind.String)
                throw new InvalidFileException(source, $"safetensors __metadata__ value '{kv.Name}' is not a string");
            metadata[kv.Name] = kv.Value.GetString()!;
        }
    }

    static SafetensorsEntry ParseEntry(string name, JsonElement value, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidFileException(source, $"tensor '{name}' is not described by an object");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new InvalidFileException(source, $"tensor '{name}' has no dtype");
        var dtypeName = dtypeElement.GetString()!;
        if (!TensorDTypes.TryParseSafetensorsName(dtypeName, out var dtype))
            throw new InvalidFileException(source, $"tensor '{name}' has unsupported dtype '{dtypeName}'");
        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw new InvalidFileException(source, $"tensor '{name}' has no shape");
        var shape = new long[shapeElement.GetArrayLength()];
        var i = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var dim) || dim < 0)
                throw new InvalidFileException(source, $"tensor '{name}' has a negative or non-integer dimension in its shape");
            shape[i++] = dim;
        }
        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw new InvalidFileException(source, $"tensor '{name}' has no [begin, end] data_offsets");
        var begin = offsets[0];
        var end = offsets[1];
        if (begin.ValueKind != JsonValueKind.Number || !begin.TryGetInt64(out var b) || b < 0
            || end.ValueKind != JsonValueKind.Number || !end.TryGetInt64(out var e) || e < b)
            throw new InvalidFileException(source, $"tensor '{name}' has invalid data_offsets");
        var count = NamedTensor.ElementCountOf(shape);
        long? bytes = null;
        if (count is { } c)
        {
            try { bytes = checked(c * dtype.SizeOf()); } catch (OverflowException) { }
        }
        if (bytes is null)
            throw new InvalidFileException(source, $"tensor '{name}' shape [{string.Join(", ", shape)}] overflows");
        if (bytes != e - b)
            throw new InvalidFileException(source, $"tensor '{name}' shape [{string.Join(", ", shape)}] × {dtypeName} needs {bytes} bytes but data_offsets give {e - b}");
        foreach (var property in value.EnumerateObject())
        {
            if (property.Name is not ("dtype" or "shape" or "data_offsets"))
                throw new InvalidFileException(source, $"tensor '{name}' has unknown field '{property.Name}'");
        }
        return new SafetensorsEntry(name, dtype, shape, b, e);
    }

    static void CheckTiling(List<SafetensorsEntry> entries, long dataLength, string source)
    {
        var sorted = entries.OrderBy(x => x.Begin).ThenBy(x => x.End).ToList();
        long position = 0;
        foreach (var entry in sorted)
        {
            if (entry.Begin < position)
                throw new InvalidFileException(source, $"tensor '{entry.Name}' overlaps the tensor before it");
            if (entry.Begin > position)
                throw new InvalidFileException(source, $"gap of {entry.Begin - position} bytes before tensor '{entry.Name}'");
            position = entry.End;
        }
        if (position > dataLength)
            throw new InvalidFileException(source, $"tensor data needs {position} bytes but the file holds {dataLength} (truncated?)");
        if (position < dataLength)
            throw new InvalidFileException(source, $"{dataLength - position} bytes after the last tensor are not described by the header");
    }

    /// <summary>
    /// Builds the header for tensors laid out back to back in the given order, padded with
    /// spaces to a multiple of 8 bytes so that the data section starts aligned.
    /// </summary>
    public static (byte[] Header, IReadOnlyList<SafetensorsEntry> Entries) Build(
        IEnumerable<(string Name, TensorDType DType, long[] Shape)> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var entries = new List<SafetensorsEntry>();
        long offset = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, dtype, shape) in tensors)
        {
            if (name == MetadataKey || !seen.Add(name))
                throw new CondenseException($"tensor name '{name}' is reserved or repeated");
            var length = checked((NamedTensor.ElementCountOf(shape) ?? throw new CondenseException($"tensor '{name}' has an invalid shape")) * dtype.SizeOf());
            entries.Add(new SafetensorsEntry(name, dtype, shape, offset, offset + length));
            offset += length;
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    writer.WriteString(key, value);
                writer.WriteEndObject();
            }
            foreach (var entry in entries)
            {
                writer.WriteStartObject(entry.Name);
                writer.WriteString("dtype", entry.DType.ToSafetensorsName());
                writer.WriteStartArray("shape");
                foreach (var d in entry.Shape) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(entry.Begin);
                writer.WriteNumberValue(entry.End);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        var json = buffer.ToArray();
        var padded = (json.Length + 7) / 8 * 8;
        var header = new byte[padded];
        json.CopyTo(header, 0);
        header.AsSpan(json.Length).Fill((byte)' ');
        return (header, entries);
    }

}
