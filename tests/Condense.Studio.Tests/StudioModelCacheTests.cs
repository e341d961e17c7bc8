using Condense.Data;
using Condense.Models;
using Condense.Studio.Pages;
using Condense.Workflows;
using Microsoft.Extensions.Logging;

namespace Condense.Studio.Tests;

/// <summary>
/// The Studio's use of the one trained-model cache (no server needed): the page's status line through first-use
/// training and a later load, and a warning in the log when the cached file is unusable. Tiny runs: LeNet-300-100,
/// one epoch on 256 digits.
/// </summary>
public sealed class StudioModelCacheTests : IDisposable
{
    static readonly (Dataset Train, Dataset Test) Mnist = DataSets.Load(DataSets.Mnist10k);
    readonly string folder = Directory.CreateTempSubdirectory("condense-studio-cache-test").FullName;
    readonly RecordingLogger logger = new();
    readonly List<string> status = [];

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string CachePath => Path.Combine(folder, "lenet300-mnist10k-seed1-e1.safetensors");

    TrainedModelResult<MlpModel> LoadOrTrain() =>
        StudioModelCache.LoadOrTrain(CachePath, ModelKind.LeNet300, 1, 1, Mnist.Train.Take(256), Mnist.Test.Take(64), logger,
            status.Add, m => $"test accuracy {m.TestAccuracy:P1}");

    [Fact]
    public void First_use_trains_with_a_status_line_per_step_and_a_later_run_loads_without_a_warning()
    {
        using (var trained = LoadOrTrain().Model) { }
        Assert.Equal(["training the lenet300 on MNIST (first use only): epoch 1 of 1", "saving the trained lenet300", $"trained and saved {CachePath}"], status);
        status.Clear();

        var loaded = LoadOrTrain();
        using (loaded.Model) Assert.True(loaded.Loaded);
        Assert.Equal(["loading the cached lenet300"], status);
        Assert.Empty(logger.Warnings);
    }

    [Fact]
    public void An_unreadable_cached_file_is_logged_as_a_warning_and_replaced()
    {
        File.WriteAllBytes(CachePath, [1, 2, 3]);
        var result = LoadOrTrain();
        using (result.Model) Assert.Equal(TrainedModelSource.Unreadable, result.Source);
        var warning = Assert.Single(logger.Warnings);
        Assert.StartsWith($"studio: cached lenet300 unusable, training again: {CachePath}: unreadable (", warning);
        Assert.Equal($"trained and saved {CachePath}", status[^1]);
        var (model, _) = ModelFile.Load(CachePath);
        model.Dispose();
        Assert.Equal([CachePath], Directory.GetFiles(folder));
    }

    sealed class RecordingLogger : ILogger
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning) Warnings.Add(formatter(state, exception));
        }
    }
}
