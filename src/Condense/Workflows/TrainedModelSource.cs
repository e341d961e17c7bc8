namespace Condense.Workflows;

/// <summary>Why <see cref="TrainedModelCache"/> loaded or trained the model.</summary>
public enum TrainedModelSource
{
    /// <summary>The cached file loaded and its card records the wanted data set and training settings.</summary>
    Loaded,
    /// <summary>No cached file: trained and saved.</summary>
    Missing,
    /// <summary>Training was asked for (<see cref="TrainedModelRequest{TModel}.Retrain"/>), whatever the cache held.</summary>
    Retrained,
    /// <summary>The cached file loaded but was trained otherwise (another seed, epoch count, data set, or no record of it): trained again and replaced.</summary>
    Stale,
    /// <summary>The cached file could not be read as a model (truncated, corrupt, another kind of model): trained again and replaced.</summary>
    Unreadable,
}
