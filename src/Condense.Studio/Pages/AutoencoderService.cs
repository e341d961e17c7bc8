using System.Collections.Concurrent;
using Condense.Data;
using Condense.Formats;
using Condense.Models;
using Condense.Metrics;
using Condense.Quantization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 4's network: the Foundation's 784-1000-256-256-1000-784 autoencoder, trained on first use
/// on the bundled MNIST (a minute or two on two cores) and cached as a <see cref="ModelFile"/> in
/// the Studio's cache folder, so later runs load it in a second. Each bit width's weight-shared
/// copy is built once (<see cref="WeightSharingQuantizer"/>, one codebook per layer) and kept.
/// </summary>
internal sealed class AutoencoderService(StudioOptions options, ILogger<AutoencoderService> logger) : IDisposable
{
    /// <summary>Epochs of training: enough for recognisable reconstructions (test MSE ≈ 0.01), short enough for a first visit.</summary>
    public const int Epochs = 3;

    public sealed record Status(bool Ready, string Message, string? Error, int TestDigits);

    public sealed record Layer(string Name, int Rows, int Cols, double? Cond1, double? RelativeError);

    public sealed record Quantized(int Bits, bool Biases, MlpModel Model, IReadOnlyList<Layer> Layers);

    /// <summary>The trained model, its test set and weights, and cond₁ of each weight matrix (a pseudo-inverse each, so computed once with the model and cached beside it).</summary>
    sealed record Trained(MlpModel Model, Dataset Test, IReadOnlyList<NamedTensor> Weights, IReadOnlyDictionary<string, double> Cond1);

    readonly object gate = new();
    readonly ConcurrentDictionary<(int Bits, bool Biases), Lazy<Quantized>> quantized = new();
    Task<Trained>? training;
    volatile string message = "not started";

    public string ModelPath => Path.Combine(options.ResolveCacheDirectory(), $"autoencoder-mnist10k-seed{options.Seed}-e{Epochs}.safetensors");

    public Status GetStatus()
    {
        var task = Start();
        if (task.IsCompletedSuccessfully) return new Status(true, message, null, task.Result.Test.Count);
        if (task.IsFaulted) return new Status(false, message, "training the autoencoder failed: " + task.Exception!.GetBaseException().Message, 0);
        return new Status(false, message, null, 0);
    }

    /// <summary>Starts loading (or training) the model and sharing its weights at every bits, if not started.</summary>
    public Task Warm() => Start();

    Task<Trained> Start()
    {
        lock (gate)
        {
            return training ??= Task.Run(() =>
            {
                var trained = LoadOrTrain();
                // Every bit width is built before the page says ready, so a slider move only runs
                // the network (milliseconds) instead of k-means over 2.1 M weights.
                foreach (var biases in new[] { false, true })
                    foreach (var bits in Enumerable.Range(1, 8))
                    {
                        message = $"sharing the autoencoder's weights{(biases ? " and biases" : "")} at {bits} bits";
                        For(bits, biases, trained);
                    }
                message = "ready";
                return trained;
            });
        }
    }

    public async Task<(MlpModel Model, Dataset Test)> ReadyAsync(CancellationToken token)
    {
        var t = await Start().WaitAsync(token);
        return (t.Model, t.Test);
    }

    /// <summary>The model with each layer's weights (and, with <paramref name="biases"/>, its biases too, in one codebook) shared at <paramref name="bits"/>.</summary>
    public async Task<Quantized> QuantizedAsync(int bits, bool biases, CancellationToken token)
    {
        if (bits is < 1 or > 8) throw new CondenseException($"bits must be in 1…8, got {bits}");
        var t = await Start().WaitAsync(token);
        return For(bits, biases, t);
    }

    Quantized For(int bits, bool biases, Trained t) =>
        quantized.GetOrAdd((bits, biases), k => new Lazy<Quantized>(() => Quantize(k.Bits, k.Biases, t))).Value;

    Trained LoadOrTrain()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        var cached = StudioModelCache.LoadOrTrain(ModelPath, ModelKind.Autoencoder, Epochs, options.Seed, train, test, logger,
            m => message = m, m => $"test MSE {m.TestLoss:F4}");
        if (cached.Loaded) message = $"loaded {ModelPath}";
        return WithConditionNumbers(cached.Model, test);
    }

    static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    string Cond1Path => Path.ChangeExtension(ModelPath, ".cond1.json");

    Trained WithConditionNumbers(MlpModel model, Dataset test)
    {
        var weights = ModelFile.Weights(model);
        var matrices = weights.Where(t => t.Shape.Length == 2).ToList();
        Dictionary<string, double>? cond = null;
        try
        {
            if (File.Exists(Cond1Path) && File.GetLastWriteTimeUtc(Cond1Path) >= File.GetLastWriteTimeUtc(ModelPath))
                cond = JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(Cond1Path), Json);
        }
        catch (JsonException)
        {
            cond = null;
        }
        if (cond is null || matrices.Any(t => !cond.ContainsKey(t.Name)))
        {
            message = "computing each layer's condition number (first use only)";
            cond = matrices.ToDictionary(t => t.Name, t => ConditionNumber.OneNorm(t.ToFloat32(), (int)t.Shape[0], (int)t.Shape[1]));
            AtomicFile.Write(Cond1Path, stream => JsonSerializer.Serialize(stream, cond, Json));
        }
        message = "ready";
        return new Trained(model, test, weights, cond);
    }

    /// <summary>
    /// One codebook of 2^bits values per layer (k-means): over the weight matrix alone, the bias
    /// kept in 32 bits; or, as the article does, over the weights and the bias together, both
    /// replaced by their nearest shared value.
    /// </summary>
    Quantized Quantize(int bits, bool biases, Trained t)
    {
        var byName = t.Weights.ToDictionary(x => x.Name, StringComparer.Ordinal);
        var replaced = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        var layers = new List<Layer>();
        foreach (var tensor in t.Weights.Where(x => x.Shape.Length == 2))
        {
            var w = tensor.ToFloat32();
            var biasName = tensor.Name.Replace(".weight", ".bias", StringComparison.Ordinal);
            var bias = biases && byName.TryGetValue(biasName, out var b) ? b.ToFloat32() : [];
            var values = w.Concat(bias).ToArray();
            var q = new WeightSharingQuantizer(new WeightSharingOptions(bits) { Seed = options.Seed })
                .Quantize(values, bias.Length == 0 ? tensor.Shape : [values.Length]).Reconstruct();
            var qw = q.AsSpan(0, w.Length).ToArray();
            replaced[tensor.Name] = NamedTensor.FromFloat32(tensor.Name, qw, tensor.Shape);
            if (bias.Length > 0) replaced[biasName] = NamedTensor.FromFloat32(biasName, q.AsSpan(w.Length).ToArray(), byName[biasName].Shape);
            var (rows, cols) = ((int)tensor.Shape[0], (int)tensor.Shape[1]);
            layers.Add(new Layer(tensor.Name.Replace(".weight", "", StringComparison.Ordinal), rows, cols,
                t.Cond1[tensor.Name], MatrixNorms.RelativeOneNormError(w, qw, rows, cols)));
        }
        var tensors = t.Weights.Select(x => replaced.GetValueOrDefault(x.Name, x)).ToList();
        var model = ModelFactory.Create(ModelKind.Autoencoder, options.Seed);
        ModelFile.SetWeights(model, tensors, $"autoencoder at {bits} bits");
        return new Quantized(bits, biases, model, layers);
    }

    public void Dispose()
    {
        if (training is { IsCompletedSuccessfully: true }) training.Result.Model.Dispose();
        foreach (var q in quantized.Values.Where(l => l.IsValueCreated)) q.Value.Model.Dispose();
    }
}
