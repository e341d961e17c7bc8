namespace Condense.Formats;

/// <summary>
/// A safetensors checkpoint as a set: one file, or a folder of shards with
/// <c>model.safetensors.index.json</c>. Opening reads and cross-checks every shard's header (no
/// tensor data) so that a broken set is refused before any work starts, with one line naming the
/// shard: a shard the index names but the folder lacks, a tensor named twice (in the index, or in
/// two shards), a tensor the index places in a shard that does not hold it, a shard holding tensors
/// the index does not list, a shard truncated mid-tensor.
/// </summary>
public sealed class ShardedCheckpoint : IDisposable
{
    readonly List<SafetensorsReader> _readers;

    ShardedCheckpoint(string root, ShardIndex? index, List<SafetensorsReader> readers)
    {
        Root = root;
        Index = index;
        _readers = readers;
    }

    /// <summary>The file or folder opened.</summary>
    public string Root { get; }

    /// <summary>The index, or null for a single file.</summary>
    public ShardIndex? Index { get; }

    /// <summary>Shards in name order, each with its header checked.</summary>
    public IReadOnlyList<SafetensorsReader> Shards => _readers;

    /// <summary>Whether the checkpoint is a folder of shards with an index rather than one file.</summary>
    public bool IsSharded => Index is not null;

    /// <summary>Bytes of tensor data over all shards.</summary>
    public long DataBytes => _readers.Sum(r => r.Entries.Sum(e => e.ByteLength));

    /// <summary>
    /// Opens a <c>.safetensors</c> file, or a folder holding <c>model.safetensors.index.json</c>
    /// and its shards, or a folder holding exactly one <c>.safetensors</c> file.
    /// </summary>
    public static ShardedCheckpoint Open(string path)
    {
        if (File.Exists(path))
        {
            if (Path.GetFileName(path).EndsWith(".index.json", StringComparison.Ordinal))
                return OpenIndexed(Path.GetDirectoryName(Path.GetFullPath(path))!, path);
            return new ShardedCheckpoint(path, null, [SafetensorsReader.Open(path)]);
        }
        if (!Directory.Exists(path))
            throw new InvalidFileException(path, "no such file or folder");
        var indexPath = Path.Combine(path, ShardIndex.FileName);
        if (File.Exists(indexPath)) return OpenIndexed(path, indexPath);
        var files = Directory.GetFiles(path, "*.safetensors").Order(StringComparer.Ordinal).ToArray();
        return files.Length switch
        {
            1 => new ShardedCheckpoint(path, null, [SafetensorsReader.Open(files[0])]),
            0 => throw new InvalidFileException(path, "folder holds no .safetensors file"),
            _ => throw new InvalidFileException(path, $"folder holds {files.Length} .safetensors files but no {ShardIndex.FileName}"),
        };
    }

    static ShardedCheckpoint OpenIndexed(string folder, string indexPath)
    {
        var index = ShardIndex.Read(indexPath);
        var readers = new List<SafetensorsReader>();
        try
        {
            var owner = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var shard in index.Shards)
            {
                var shardPath = Path.Combine(folder, shard);
                if (!File.Exists(shardPath))
                    throw new InvalidFileException(shardPath, $"shard named by {ShardIndex.FileName} is missing");
                var reader = SafetensorsReader.Open(shardPath);
                readers.Add(reader);
                foreach (var e in reader.Entries)
                {
                    if (owner.TryGetValue(e.Name, out var other))
                        throw new InvalidFileException(shardPath, $"tensor '{e.Name}' is also in shard {other}");
                    owner[e.Name] = shard;
                }
            }
            foreach (var (tensor, shard) in index.WeightMap)
            {
                if (!owner.TryGetValue(tensor, out var actual))
                    throw new InvalidFileException(Path.Combine(folder, shard), $"shard lacks tensor '{tensor}' that {ShardIndex.FileName} places in it");
                if (actual != shard)
                    throw new InvalidFileException(Path.Combine(folder, actual), $"shard holds tensor '{tensor}' that {ShardIndex.FileName} places in {shard}");
            }
            if (owner.Count != index.WeightMap.Count)
            {
                var listed = index.WeightMap.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
                var (tensor, shard) = owner.First(kv => !listed.Contains(kv.Key));
                throw new InvalidFileException(Path.Combine(folder, shard), $"shard holds tensor '{tensor}' that {ShardIndex.FileName} does not list");
            }
            return new ShardedCheckpoint(folder, index, readers);
        }
        catch
        {
            foreach (var r in readers) r.Dispose();
            throw;
        }
    }

    /// <summary>Closes every shard.</summary>
    public void Dispose()
    {
        foreach (var r in _readers) r.Dispose();
    }
}
