using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Condense.Studio.Pages;

namespace Condense.Studio.Bench;

/// <summary>
/// Drives the Studio's endpoints the way a reader uses each page: open the page (its front end's
/// first requests, then wait until it reports ready), then step its slider or picker through
/// every value once forward (each value asked for the first time) and once back, one request at a
/// time. Only the steps are timed into the percentiles; the opening is reported apart; then each
/// change of method, image or model the page offers, timed apart. This is a
/// benchmark, not a test: the numbers depend on the machine and its load.
/// </summary>
public static class StudioBenchmark
{
    /// <param name="options">The server's options (its port is replaced by a free one).</param>
    /// <param name="pages">Page numbers to measure (1…8); null or empty: all.</param>
    /// <param name="progress">Receives one line per phase.</param>
    /// <param name="cancellationToken">Stops between requests.</param>
    public static async Task<IReadOnlyList<PageLatency>> RunAsync(
        StudioOptions options, IReadOnlyCollection<int>? pages = null, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var last = StudioPages.All.Max(p => p.Number);
        if (pages?.Where(p => p < 1 || p > last).Select(p => (int?)p).FirstOrDefault() is int bad)
            throw new CondenseException($"bench studio: page {bad} is outside 1…{last}");
        var (app, url) = await StudioHost.StartAsync(options with { Port = 0 }, cancellationToken);
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(15) };
        var results = new List<PageLatency>();
        foreach (var bench in StudioPages.Benches())
        {
            if (pages is { Count: > 0 } && !bench.Numbers.Any(pages.Contains)) continue;
            progress?.Invoke($"{bench.Page}: opening the page");
            var load = Stopwatch.StartNew();
            var sweep = await bench.LoadAsync(http, cancellationToken);
            var loadMs = load.Elapsed.TotalMilliseconds;
            var cold = new List<double>();
            var all = new List<double>();
            progress?.Invoke($"{bench.Page}: ready after {loadMs / 1000:0.0} s; {sweep.Count} steps ({bench.Step}), forward and back");
            foreach (var request in sweep)
            {
                var ms = await SendAsync(http, request, cancellationToken);
                cold.Add(ms);
                all.Add(ms);
            }
            for (var i = sweep.Count - 1; i >= 0; i--)
                all.Add(await SendAsync(http, sweep[i], cancellationToken));
            var changes = new List<double>();
            if (bench.ChangesAsync is not null)
            {
                var groups = await bench.ChangesAsync(http, cancellationToken);
                progress?.Invoke($"{bench.Page}: {groups.Count} changes ({bench.Change})");
                foreach (var group in groups)
                {
                    var watch = Stopwatch.StartNew();
                    await Task.WhenAll(group.Select(r => SendAsync(http, r, cancellationToken)));
                    changes.Add(watch.Elapsed.TotalMilliseconds);
                }
            }
            var note = bench.NoteAsync is null ? null : await bench.NoteAsync(http, cancellationToken);
            results.Add(new PageLatency(bench.Page, bench.Step, all.Count, Percentile(all, 0.50), Percentile(all, 0.95),
                Percentile(cold, 0.95), all.Max(), loadMs, note, bench.Change, changes.Count,
                changes.Count > 0 ? Percentile(changes, 0.95) : null, changes.Count > 0 ? changes.Max() : null));
        }
        await app.StopAsync(CancellationToken.None);
        return results;
    }

    /// <summary>Sends one request and returns its time to the last byte of the answer, in ms; a failure is an error.</summary>
    public static async Task<double> SendAsync(HttpClient http, BenchRequest request, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var response = await SendRawAsync(http, request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        watch.Stop();
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>Sends one request and returns its (successful) response, buffered.</summary>
    public static async Task<HttpResponseMessage> SendRawAsync(HttpClient http, BenchRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.JsonBody is null && request.Bytes is null ? HttpMethod.Get : HttpMethod.Post, request.Path);
        if (request.JsonBody is not null)
        {
            message.Content = new StringContent(request.JsonBody, Encoding.UTF8);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        else if (request.Bytes is not null)
        {
            message.Content = new ByteArrayContent(request.Bytes);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }
        var response = await http.SendAsync(message, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new CondenseException($"bench studio: {request.Path} answered {(int)response.StatusCode}: {body}");
        }
        return response;
    }

    /// <summary>GETs <paramref name="path"/> until <paramref name="ready"/> holds for its JSON, every 200 ms.</summary>
    public static async Task<System.Text.Json.JsonElement> PollAsync(HttpClient http, string path, Func<System.Text.Json.JsonElement, bool> ready, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var response = await SendRawAsync(http, new BenchRequest(path), cancellationToken);
            var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
            if (json.TryGetProperty("error", out var error) && error.ValueKind == System.Text.Json.JsonValueKind.String)
                throw new CondenseException($"bench studio: {path}: {error.GetString()}");
            if (ready(json)) return json;
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Nearest-rank percentile (the value at rank ⌈p·n⌉).</summary>
    internal static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
