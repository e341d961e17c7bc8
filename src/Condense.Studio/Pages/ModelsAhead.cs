using Microsoft.Extensions.Hosting;

namespace Condense.Studio.Pages;

/// <summary>
/// Starts pages 4–6's and 8's models at start-up (with <see cref="StudioOptions.SolveAhead"/>): the
/// autoencoder and the classifier are loaded from the cache, or trained once on a background
/// thread, and then page 4's weight-shared copies, page 5's accuracy at every rank and page 6's
/// pruning sweeps are solved ahead (and page 8's network and its slimming at every slider step), so a first visit finds them ready (or shows how far they are)
/// instead of starting them.
/// </summary>
internal sealed class ModelsAhead(AutoencoderService autoencoder, LowRankService lowRank, PruningService pruning, ConvLayersService conv, StudioOptions options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.SolveAhead) return Task.CompletedTask;
        // Each call only starts a task; the classifier is trained (or loaded) once for both pages.
        _ = autoencoder.Warm();
        _ = lowRank.Warm();
        _ = pruning.Warm();
        _ = conv.Warm();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
