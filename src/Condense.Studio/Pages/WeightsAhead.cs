using Condense.Studio.Hosting;
using Microsoft.Extensions.Hosting;

namespace Condense.Studio.Pages;

/// <summary>
/// Computes page 3's every answer (each distribution × bits 1…8) once at start-up on a background
/// thread, into the <see cref="ResultCache"/> the endpoint reads, so a slider step or a change of
/// distribution is a look-up rather than two quantizations, cond₁, 256 probes and a KL divergence
/// (0.1–0.5 s on two cores). 48 small answers: a few MiB. A request that comes first computes
/// its answer itself (the cache shares the work).
/// </summary>
internal sealed class WeightsAhead(ResultCache cache, StudioOptions options) : BackgroundService
{
    int done;

    public static int Total => WeightsPage.Distributions.Count * 8;

    /// <summary>Answers computed so far by the background thread, of <see cref="Total"/>.</summary>
    public int Done => Volatile.Read(ref done);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.SolveAhead) return;
        await Task.Yield();
        // The page opens on normal at 2 bits; then distribution by distribution, bits upwards.
        var order = WeightsPage.Distributions.SelectMany(d => Enumerable.Range(1, 8).Select(b => (d, b)))
            .OrderBy(x => x == ("normal", 2) ? 0 : 1).ToList();
        foreach (var (distribution, bits) in order)
        {
            if (stoppingToken.IsCancellationRequested) return;
            await Task.Run(() => WeightsPage.Compute(distribution, bits, cache, options), stoppingToken);
            Interlocked.Increment(ref done);
        }
    }
}
