using Condense.Data;
using Condense.Models;
using Condense.Workflows;
using Microsoft.Extensions.Logging;

namespace Condense.Studio.Pages;

/// <summary>
/// The Studio's use of the library's one trained-model cache (<see cref="TrainedModelCache"/>): an MLP trained on
/// MNIST-10k on first use, with a status line per epoch for the page and a warning in the log when a cached file
/// was there but unusable (trained otherwise, or unreadable).
/// </summary>
internal static class StudioModelCache
{
    /// <summary>
    /// The model at <paramref name="path"/> when trained with <paramref name="epochs"/> and <paramref name="seed"/>, else
    /// trained and saved there; <paramref name="status"/> gets each step, <paramref name="score"/> words an epoch's test figure.
    /// </summary>
    public static TrainedModelResult LoadOrTrain(string path, ModelKind kind, int epochs, int seed, Dataset train, Dataset test,
        ILogger logger, Action<string> status, Func<EpochMetrics, string> score)
    {
        var name = kind.ToString().ToLowerInvariant();
        var settings = TrainingOptions.For(kind) with { Epochs = epochs, Seed = seed };
        if (File.Exists(path)) status($"loading the cached {name}");
        var cached = TrainedModelCache.LoadOrTrain(new TrainedModelRequest(path, kind, settings, DataSets.Mnist10k, train, test)
        {
            Progress = (source, reason, run) =>
            {
                if (source is TrainedModelSource.Stale or TrainedModelSource.Unreadable)
                    logger.LogWarning("studio: cached {Model} unusable, training again: {Message}", name, reason);
                var training = $"training the {name} on MNIST (first use only)";
                status($"{training}: epoch 1 of {epochs}");
                return run(new TrainingHooks
                {
                    OnEpoch = (m, _) => status(m.Epoch < epochs ? $"{training}: epoch {m.Epoch + 1} of {epochs}, {score(m)}" : $"saving the trained {name}"),
                });
            },
        });
        if (!cached.Loaded) status($"trained and saved {path}");
        return cached;
    }
}
