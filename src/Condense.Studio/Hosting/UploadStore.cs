using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Condense.Studio.Hosting;

/// <summary>
/// Keeps uploads in memory under random ids. Nothing a request sends is used as a path: an
/// upload is named by an id the server made, and the bytes never touch the disk. Oldest
/// entries are dropped past <see cref="Capacity"/>.
/// </summary>
internal sealed class UploadStore
{
    public const int Capacity = 8;
    readonly ConcurrentDictionary<string, (long Order, object Value)> items = new(StringComparer.Ordinal);
    long order;

    public string Add(object value)
    {
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        items[id] = (Interlocked.Increment(ref order), value);
        while (items.Count > Capacity)
        {
            var oldest = items.MinBy(kv => kv.Value.Order).Key;
            items.TryRemove(oldest, out _);
        }
        return id;
    }

    public bool TryGet<T>(string id, out T value) where T : class
    {
        if (items.TryGetValue(id, out var entry) && entry.Value is T typed)
        {
            value = typed;
            return true;
        }
        value = null!;
        return false;
    }
}
