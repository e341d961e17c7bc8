using Condense.Models;

namespace Condense.Workflows;

/// <summary>The model <see cref="TrainedModelCache.LoadOrTrain"/> returns (the caller owns and disposes it), where it came from and why.</summary>
/// <typeparam name="TModel">The model type.</typeparam>
/// <param name="Model">The trained model, loaded from the cache or just trained.</param>
/// <param name="Source">Loaded, or which reason made it train.</param>
/// <param name="Reason">One line saying why, for a log or a console (e.g. which training settings differ from the cached file's).</param>
/// <param name="Training">The training run's per-epoch metrics and final evaluation; null when loaded.</param>
public sealed record TrainedModelResult<TModel>(TModel Model, TrainedModelSource Source, string Reason, TrainingResult? Training)
    where TModel : CondenseModel
{
    /// <summary>True when the model came from the cached file and no training happened.</summary>
    public bool Loaded => Source == TrainedModelSource.Loaded;

    /// <summary>True when a cached file was there but could not be used (stale or unreadable), which a caller may want to warn about.</summary>
    public bool CacheUnusable => Source is TrainedModelSource.Stale or TrainedModelSource.Unreadable;
}
