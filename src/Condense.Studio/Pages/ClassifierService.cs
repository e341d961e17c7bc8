using Condense.Data;
using Condense.Models;
using Condense.Workflows;
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
        var settings = TrainingOptions.For(ModelKind.Classifier) with { Epochs = Epochs, Seed = options.Seed };
        if (File.Exists(ModelPath)) Message = "loading the cached classifier";
        var cached = TrainedModelCache.LoadOrTrain(new TrainedModelRequest(ModelPath, ModelKind.Classifier, settings, DataSets.Mnist10k, train, test)
        {
            Progress = (source, reason, run) =>
            {
                if (source is TrainedModelSource.Stale or TrainedModelSource.Unreadable) logger.LogWarning("studio: cached classifier unusable, training again: {Message}", reason);
                Message = $"training the classifier on MNIST (first use only): epoch 1 of {Epochs}";
                return run(new TrainingHooks
                {
                    OnEpoch = (m, _) => Message = m.Epoch < Epochs
                        ? $"training the classifier on MNIST (first use only): epoch {m.Epoch + 1} of {Epochs}, test accuracy {m.TestAccuracy:P1}"
                        : "saving the trained classifier",
                });
            },
        });
        cached.Model.Dispose(); // each page loads its own copy (LoadCopy)
        if (!cached.Loaded) Message = $"trained and saved {ModelPath}";
        return test;
    }
}
