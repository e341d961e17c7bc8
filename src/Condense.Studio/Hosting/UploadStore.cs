using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Condense.Studio.Hosting;

/// <summary>
/// Keeps uploads in memory under random ids. Nothing a request sends is used as a path: an
/// upload is named by an id the server made, and the bytes never touch the disk. Oldest
/// entries are dropped past <see cref="Capacity"/>, and disposed when they own something
/// (an uploaded model's folder and ONNX Runtime session).
/// </summary>
internal sealed class UploadStore : IDisposable
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
            if (items.TryRemove(oldest, out var dropped) && dropped.Value is IDisposable owned) owned.Dispose();
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

    public void Dispose()
    {
        foreach (var id in items.Keys.ToList())
            if (items.TryRemove(id, out var entry) && entry.Value is IDisposable owned) owned.Dispose();
    }
}
