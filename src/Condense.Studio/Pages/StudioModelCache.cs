using Condense.Data;
using Condense.Models;
using Condense.Workflows;
using Microsoft.Extensions.Logging;

namespace Condense.Studio.Pages;

/// <summary>
/// The Studio's use of the library's one trained-model cache (<see cref="TrainedModelCache"/>): a model trained on
/// MNIST-10k on first use, with a status line per epoch (or per batch) for the page and a warning in the log when a
/// cached file was there but unusable (built or trained otherwise, or unreadable).
/// </summary>
internal static class StudioModelCache
{
    /// <summary>One of the MLPs trained with its usual settings for <paramref name="epochs"/> and <paramref name="seed"/> (see the general overload).</summary>
    public static TrainedModelResult<MlpModel> LoadOrTrain(string path, ModelKind kind, int epochs, int seed, Dataset train, Dataset test,
        ILogger logger, Action<string> status, Func<EpochMetrics, string> score) =>
        LoadOrTrain(path, kind.ToString().ToLowerInvariant(), TrainedModelRecipe.Mlp(kind), TrainingOptions.For(kind) with { Epochs = epochs, Seed = seed },
            train, test, logger, status, score);

    /// <summary>
    /// The model of <paramref name="recipe"/> at <paramref name="path"/> when built and trained so, else trained with
    /// <paramref name="settings"/> and saved there; <paramref name="status"/> gets each step (each batch too when
    /// <paramref name="perBatch"/>), <paramref name="score"/> words an epoch's test figure, <paramref name="name"/> the model.
    /// </summary>
    public static TrainedModelResult<TModel> LoadOrTrain<TModel>(string path, string name, TrainedModelRecipe<TModel> recipe, TrainingOptions settings,
        Dataset train, Dataset test, ILogger logger, Action<string> status, Func<EpochMetrics, string> score, bool perBatch = false)
        where TModel : CondenseModel
    {
        var epochs = settings.Epochs;
        if (File.Exists(path)) status($"loading the cached {name}");
        var cached = TrainedModelCache.LoadOrTrain(new TrainedModelRequest<TModel>(path, recipe, settings, DataSets.Mnist10k, train, test)
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
                    OnBatch = perBatch ? (done, total, epoch) => status($"{training}: epoch {epoch} of {epochs}, batch {done} of {total}") : null,
                });
            },
        });
        if (!cached.Loaded) status($"trained and saved {path}");
        return cached;
    }
}
