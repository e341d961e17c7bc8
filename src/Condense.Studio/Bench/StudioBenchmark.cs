using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Condense.Studio.Pages;

namespace Condense.Studio.Bench;

/// <summary>
/// Drives the Studio's endpoints the way a reader drags a slider: every page's value range once
/// forward (each value computed for the first time) and once back (answered from the cache),
/// one request at a time, after one warm-up request per page (model training, data loading).
/// Reports percentiles per page. This is a benchmark, not a test: numbers depend on the machine.
/// </summary>
public static class StudioBenchmark
{
    public static async Task<IReadOnlyList<PageLatency>> RunAsync(StudioOptions options, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var (app, url) = await StudioHost.StartAsync(options with { Port = 0 }, cancellationToken);
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(10) };
        var results = new List<PageLatency>();
        foreach (var (page, requests) in StudioPages.BenchRequests(app.Services))
        {
            progress?.Invoke($"{page}: warming up");
            await SendAsync(http, requests.Warmup, cancellationToken);
            var cold = new List<double>();
            var all = new List<double>();
            progress?.Invoke($"{page}: {requests.Sweep.Count} slider values, forward and back");
            foreach (var request in requests.Sweep)
            {
                var ms = await SendAsync(http, request, cancellationToken);
                cold.Add(ms);
                all.Add(ms);
            }
            for (var i = requests.Sweep.Count - 1; i >= 0; i--)
                all.Add(await SendAsync(http, requests.Sweep[i], cancellationToken));
            results.Add(new PageLatency(page, all.Count, Percentile(all, 0.50), Percentile(all, 0.95), Percentile(cold, 0.95), all.Max()));
        }
        await app.StopAsync(CancellationToken.None);
        return results;
    }

    static async Task<double> SendAsync(HttpClient http, BenchRequest request, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var message = new HttpRequestMessage(request.JsonBody is null ? HttpMethod.Get : HttpMethod.Post, request.Path);
        if (request.JsonBody is not null)
        {
            message.Content = new StringContent(request.JsonBody, Encoding.UTF8);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        using var response = await http.SendAsync(message, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        watch.Stop();
        if (!response.IsSuccessStatusCode)
            throw new CondenseException($"bench studio: {request.Path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>Nearest-rank percentile (the value at rank ⌈p·n⌉).</summary>
    internal static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>What a page's benchmark sends: one warm-up request, then the slider's values in order.</summary>
public sealed record PageBench(BenchRequest Warmup, IReadOnlyList<BenchRequest> Sweep);
