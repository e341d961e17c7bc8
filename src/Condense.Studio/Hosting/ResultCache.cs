using Microsoft.Extensions.Caching.Memory;

namespace Condense.Studio.Hosting;

/// <summary>
/// Computed answers keyed by their inputs. A slider that returns to a value it visited is
/// answered from memory; concurrent requests for one key share a single computation. Bounded
/// by entry count so a long session cannot grow without limit.
/// </summary>
internal sealed class ResultCache : IDisposable
{
    /// <summary>Entries kept (each page's answers are tens of KiB): 2048 is a few tens of MiB at most.</summary>
    public const int Capacity = 2048;

    readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = Capacity, CompactionPercentage = 0.25 });

    public T GetOrCompute<T>(string key, Func<T> compute) where T : class
    {
        var lazy = cache.GetOrCreate(key, entry =>
        {
            entry.Size = 1;
            return new Lazy<T>(compute, LazyThreadSafetyMode.ExecutionAndPublication);
        })!;
        try
        {
            return lazy.Value;
        }
        catch
        {
            cache.Remove(key);
            throw;
        }
    }

    /// <summary>Whether the key's computation has finished (the answer is kept).</summary>
    public bool Contains<T>(string key) where T : class => cache.TryGetValue(key, out var value) && value is Lazy<T> { IsValueCreated: true };

    public void Dispose() => cache.Dispose();
}
