using System.Diagnostics;
using Condense.Imaging;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Hosting;

namespace Condense.Studio.Pages;

/// <summary>
/// Pages 1–2's answers: the library's <see cref="ColorQuantizer"/> result for each (photo, k),
/// solved once and kept in compact form (the palette, the real indexed PNG of palette + indices,
/// the error figures), and solved ahead of the reader in the background.
/// </summary>
/// <remarks>
/// <para>Why: the colour k-means at one k costs 0.1–1 s on two cores (more at large k), far over the
/// 100 ms a slider step may take. Its result for a given photo and k never changes, so the Studio
/// solves every k = 1…256 of the photo being viewed on one background thread (the bundled
/// "chelsea", the default photo, from start-up) and a slider step only looks the answer up.
/// A step to a k not solved yet is solved on demand, as before.</para>
/// <para>Why this form: the PNG is what page 1 reports the size of anyway, and it is 2–20× smaller
/// than the index map it encodes, so keeping all 256 answers of a 600×400 photo costs a few tens of
/// MiB; the browser decodes it natively and recovers each pixel's index from the palette (whose
/// colours are distinct). The error map E_i is not kept: the browser computes it from the original
/// and the decoded pixels, exactly.</para>
/// </remarks>
internal sealed class ColorSolutions(ColorImages images, StudioOptions options) : BackgroundService
{
    /// <summary>The slider's range.</summary>
    public const int MaxK = 256;

    /// <summary>Bytes of solutions kept (PNG + palette); least recently used dropped beyond it.</summary>
    public const long CapacityBytes = 256L * 1024 * 1024;

    /// <summary>The photo solved from start-up: the one the pages open on.</summary>
    public const string DefaultImage = "chelsea";

    public sealed record Solution(
        int K, int Width, int Height, Rgb24[] Palette, byte[] Png, double MeanError, int MaxError,
        int DistinctColors, long RawBytes, long PackedBytes, double SolveMilliseconds);

    /// <summary>How far the background solving of one photo has got.</summary>
    public sealed record Progress(string Image, int Solved, int Total, bool Warming, double? SolveP95Milliseconds);

    readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = CapacityBytes, CompactionPercentage = 0.25 });
    readonly SemaphoreSlim wake = new(0);
    readonly object gate = new();
    readonly Dictionary<string, List<double>> solveTimes = new(StringComparer.Ordinal);
    // Photos to solve ahead, most recently viewed first; a photo left before it was finished is
    // taken up again once the newer ones are done. Bounded: older photos are only solved on demand.
    readonly List<string> followed = options.SolveAhead ? [DefaultImage] : [];

    /// <summary>How many viewed photos the background keeps solving, newest first.</summary>
    public const int FollowedPhotos = 4;

    /// <summary>
    /// The order k is solved in the background: the pages' starting values (16 on page 1, 8 on
    /// page 2), page 2's curve (powers of two), then every other k upwards.
    /// </summary>
    public static IReadOnlyList<int> WarmOrder { get; } =
        new[] { 16, 8 }.Concat(ColorsPage.CurveK).Concat(Enumerable.Range(1, MaxK)).Distinct().ToArray();

    /// <summary>The solution for (<paramref name="imageId"/>, <paramref name="k"/>), solving it if nobody has yet.</summary>
    public Solution Get(string imageId, int k)
    {
        if (k is < 1 or > MaxK) throw new CondenseException($"k must be in 1…{MaxK}, got {k}");
        var image = images.Get(imageId); // throws for an unknown id before anything is cached
        var lazy = cache.GetOrCreate(Key(imageId, k), entry =>
        {
            // Sized once solved (below); until then it counts as small.
            entry.Size = 1024;
            return new Lazy<Solution>(() => Solve(imageId, image, k), LazyThreadSafetyMode.ExecutionAndPublication);
        })!;
        try
        {
            var solution = lazy.Value;
            return solution;
        }
        catch
        {
            cache.Remove(Key(imageId, k));
            throw;
        }
    }

    /// <summary>The solution for (<paramref name="imageId"/>, <paramref name="k"/>) if it is solved already; never solves.</summary>
    public Solution? TryGet(string imageId, int k)
    {
        images.Get(imageId);
        return cache.TryGetValue(Key(imageId, k), out var value) && value is Lazy<Solution> { IsValueCreated: true } lazy ? lazy.Value : null;
    }

    /// <summary>Asks the background thread to solve <paramref name="imageId"/>'s every k next (the photo the reader is on).</summary>
    public void Follow(string imageId)
    {
        if (!options.SolveAhead) return;
        lock (gate)
        {
            if (followed.Count > 0 && followed[0] == imageId) return;
            followed.Remove(imageId);
            followed.Insert(0, imageId);
            if (followed.Count > FollowedPhotos) followed.RemoveAt(followed.Count - 1);
        }
        wake.Release();
    }

    public Progress GetProgress(string imageId)
    {
        images.Get(imageId);
        var solved = WarmOrder.Count(k => cache.TryGetValue(Key(imageId, k), out Lazy<Solution>? lazy) && lazy!.IsValueCreated);
        double? p95;
        bool followedNow;
        lock (gate)
        {
            followedNow = followed.Contains(imageId);
            p95 = solveTimes.TryGetValue(imageId, out var times) && times.Count > 0 ? Bench.StudioBenchmark.Percentile(times, 0.95) : null;
        }
        return new Progress(imageId, solved, MaxK, followedNow && solved < MaxK, p95);
    }

    Solution Solve(string imageId, RgbImage image, int k)
    {
        var clock = Stopwatch.StartNew();
        var q = new ColorQuantizer(new ColorQuantizerOptions { Colors = k, Seed = options.Seed }).Quantize(image);
        var png = IndexedPngWriter.Encode(q);
        var ms = clock.Elapsed.TotalMilliseconds;
        lock (gate)
        {
            if (!solveTimes.TryGetValue(imageId, out var times)) solveTimes[imageId] = times = [];
            times.Add(ms);
        }
        var solution = new Solution(k, q.Width, q.Height, [.. q.Palette], png, q.MeanError, q.MaxError, q.DistinctColors,
            q.Sizes.RawRgbBytes, q.Sizes.PackedBytes, ms);
        // Re-insert with its real size so the byte bound holds.
        var lazy = new Lazy<Solution>(solution);
        cache.Set(Key(imageId, k), lazy, new MemoryCacheEntryOptions { Size = png.Length + (3L * solution.Palette.Length) + 256 });
        return solution;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // One thread, so a slider step never waits behind more than one background solve.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = NextUnsolved();
            if (next is null)
            {
                try
                {
                    await wake.WaitAsync(stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            var (image, k) = next.Value;
            try
            {
                await Task.Run(() => Get(image, k), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (CondenseException)
            {
                // The upload was dropped (or is unreadable): stop following it.
                lock (gate) followed.Remove(image);
            }
        }
    }

    /// <summary>The k a page opens a photo on: page 1's 16, page 2's 8 and its curve.</summary>
    static readonly int[] OpeningK = WarmOrder.Take(2 + ColorsPage.CurveK.Length).ToArray();

    /// <summary>
    /// The next (photo, k) to solve: the viewed photo's opening k, then every bundled photo's
    /// (so a change of photo finds its first answers solved), then each followed photo's every k,
    /// most recently viewed first.
    /// </summary>
    (string Image, int K)? NextUnsolved()
    {
        string[] photos;
        lock (gate) photos = [.. followed];
        if (photos.Length == 0) return null;
        foreach (var image in photos.Take(1).Concat(Condense.Imaging.SampleImages.Names).Distinct())
            foreach (var k in OpeningK)
                if (!cache.TryGetValue(Key(image, k), out Lazy<Solution>? lazy) || !lazy!.IsValueCreated) return (image, k);
        foreach (var image in photos)
        {
            foreach (var k in WarmOrder)
            {
                if (!cache.TryGetValue(Key(image, k), out Lazy<Solution>? lazy) || !lazy!.IsValueCreated) return (image, k);
            }
        }
        return null;
    }

    static string Key(string imageId, int k) => $"{imageId}/{k}";

    public override void Dispose()
    {
        base.Dispose();
        cache.Dispose();
        wake.Dispose();
    }
}
