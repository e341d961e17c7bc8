using Condense.Data;
using Condense.Models;
using Microsoft.Extensions.Logging;

namespace Condense.Studio.Pages;

/// <summary>
/// The trained classifier of pages 5 and 6: the Foundation's 784-1000-1000-10 network, trained on
/// first use on the bundled MNIST (a minute or two on two cores) and cached as a
/// <see cref="ModelFile"/> in the Studio's cache folder, so later runs load it in a second. Each
/// page loads its own copy (<see cref="LoadCopy"/>) because the pages change weights in place
/// while they evaluate.
/// </summary>
internal sealed class ClassifierService(StudioOptions options, ILogger<ClassifierService> logger)
{
    /// <summary>Epochs of training: about 95 % test accuracy on MNIST-10k, short enough for a first visit.</summary>
    public const int Epochs = 2;

    readonly object gate = new();
    Task<Dataset>? training;

    /// <summary>What the service is doing, for the pages' progress line.</summary>
    public volatile string Message = "not started";

    public string ModelPath => Path.Combine(options.ResolveCacheDirectory(), $"classifier-mnist10k-seed{options.Seed}-e{Epochs}.safetensors");

    /// <summary>Trains (or finds) the cached model once; the task's result is the test set.</summary>
    public Task<Dataset> EnsureAsync()
    {
        lock (gate) return training ??= Task.Run(EnsureFile);
    }

    /// <summary>A fresh copy of the trained model (the caller owns it).</summary>
    public async Task<(MlpModel Model, Dataset Test)> LoadCopy()
    {
        var test = await EnsureAsync();
        return (ModelFile.Load(ModelPath).Model, test);
    }

    Dataset EnsureFile()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        using var model = StudioModelCache.LoadOrTrain(ModelPath, ModelKind.Classifier, Epochs, options.Seed, train, test, logger,
            m => Message = m, m => $"test accuracy {m.TestAccuracy:P1}").Model; // each page loads its own copy (LoadCopy)
        return test;
    }
}
