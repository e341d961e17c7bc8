using System.Collections.Concurrent;
using Condense.Data;
using Condense.Formats;
using Condense.Models;
using Condense.Quantization;
using Microsoft.Extensions.Logging;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 4's network: the Foundation's 784-1000-256-256-1000-784 autoencoder, trained on first use
/// on the bundled MNIST (a minute or two on two cores) and cached as a <see cref="ModelFile"/> in
/// the Studio's cache folder, so later runs load it in a second. Each bit width's weight-shared
/// copy is built once (k-means per layer, <see cref="KMeans1D"/>) and kept.
/// </summary>
internal sealed class AutoencoderService(StudioOptions options, ILogger<AutoencoderService> logger) : IDisposable
{
    /// <summary>Epochs of training: enough for recognisable reconstructions (test MSE ≈ 0.01), short enough for a first visit.</summary>
    public const int Epochs = 3;

    public sealed record Status(bool Ready, string Message, string? Error);

    public sealed record Layer(string Name, int Rows, int Cols, double? Cond1, double? RelativeError);

    public sealed record Quantized(int Bits, MlpModel Model, IReadOnlyList<Layer> Layers);

    sealed record Trained(MlpModel Model, Dataset Test, IReadOnlyList<NamedTensor> Weights);

    readonly object gate = new();
    readonly ConcurrentDictionary<int, Lazy<Quantized>> quantized = new();
    Task<Trained>? training;
    volatile string message = "not started";

    public string ModelPath => Path.Combine(options.ResolveCacheDirectory(), $"autoencoder-mnist10k-seed{options.Seed}-e{Epochs}.safetensors");

    public Status GetStatus()
    {
        var task = Start();
        if (task.IsCompletedSuccessfully) return new Status(true, message, null);
        if (task.IsFaulted) return new Status(false, message, "training the autoencoder failed: " + task.Exception!.GetBaseException().Message);
        return new Status(false, message, null);
    }

    Task<Trained> Start()
    {
        lock (gate)
        {
            return training ??= Task.Run(() =>
            {
                var trained = LoadOrTrain();
                // Build every bit width in the background so slider moves only run the network.
                _ = Task.Run(() =>
                {
                    foreach (var bits in Enumerable.Range(1, 8).Reverse()) For(bits, trained);
                });
                return trained;
            });
        }
    }

    public async Task<(MlpModel Model, Dataset Test)> ReadyAsync(CancellationToken token)
    {
        var t = await Start().WaitAsync(token);
        return (t.Model, t.Test);
    }

    public async Task<Quantized> QuantizedAsync(int bits, CancellationToken token)
    {
        if (bits is < 1 or > 8) throw new CondenseException($"bits must be in 1…8, got {bits}");
        var t = await Start().WaitAsync(token);
        return For(bits, t);
    }

    Quantized For(int bits, Trained t) => quantized.GetOrAdd(bits, b => new Lazy<Quantized>(() => Quantize(b, t))).Value;

    Trained LoadOrTrain()
    {
        var test = DataSets.Load(DataSets.Mnist10k).Test;
        MlpModel model;
        if (File.Exists(ModelPath))
        {
            message = "loading the cached autoencoder";
            try
            {
                model = ModelFile.Load(ModelPath).Model;
                message = $"loaded {ModelPath}";
                return new Trained(model, test, ModelFile.Weights(model));
            }
            catch (CondenseException ex)
            {
                logger.LogWarning("studio: cached autoencoder unusable, training again: {Message}", ex.Message);
            }
        }
        var (train, _) = DataSets.Load(DataSets.Mnist10k);
        model = ModelFactory.Create(ModelKind.Autoencoder, options.Seed);
        var training = TrainingOptions.For(ModelKind.Autoencoder) with { Epochs = Epochs, Seed = options.Seed };
        message = $"training the autoencoder on MNIST (first use only): epoch 1 of {Epochs}";
        var result = Trainer.Train(model, train, test, training, new TrainingHooks
        {
            OnEpoch = (m, _) => message = m.Epoch < Epochs
                ? $"training the autoencoder on MNIST (first use only): epoch {m.Epoch + 1} of {Epochs}, test MSE {m.TestLoss:F4}"
                : "saving the trained autoencoder",
        });
        Directory.CreateDirectory(options.ResolveCacheDirectory());
        ModelFile.Save(ModelPath, model, new ModelCard(DataSets.Mnist10k, training, result.Final));
        message = $"trained and saved {ModelPath}";
        return new Trained(model, test, ModelFile.Weights(model));
    }

    Quantized Quantize(int bits, Trained t)
    {
        var tensors = new List<NamedTensor>();
        var layers = new List<Layer>();
        foreach (var tensor in t.Weights)
        {
            if (tensor.Shape.Length != 2)
            {
                tensors.Add(tensor);
                continue;
            }
            var w = tensor.ToFloat32();
            var fit = KMeans1D.Fit(w, new KMeansOptions(1 << bits) { Seed = options.Seed });
            var indices = new int[w.Length];
            KMeans1D.Assign(w, fit.Centroids, indices);
            var q = new float[w.Length];
            for (var i = 0; i < q.Length; i++) q[i] = (float)fit.Centroids[indices[i]];
            tensors.Add(NamedTensor.FromFloat32(tensor.Name, q, tensor.Shape));
            layers.Add(new Layer(tensor.Name.Replace(".weight", "", StringComparison.Ordinal), (int)tensor.Shape[0], (int)tensor.Shape[1],
                null, null));
        }
        var model = ModelFactory.Create(ModelKind.Autoencoder, options.Seed);
        ModelFile.SetWeights(model, tensors, $"autoencoder at {bits} bits");
        return new Quantized(bits, model, layers);
    }

    public void Dispose()
    {
        if (training is { IsCompletedSuccessfully: true }) training.Result.Model.Dispose();
        foreach (var q in quantized.Values.Where(l => l.IsValueCreated)) q.Value.Model.Dispose();
    }
}
