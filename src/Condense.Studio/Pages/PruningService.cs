using System.Collections.Concurrent;
using Condense.Data;
using Condense.Formats;
using Condense.Models;
using Condense.Pruning;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 6's state: its own copy of the trained classifier and its weights. Each method's whole
/// accuracy-against-sparsity sweep is computed on the method's first request (every slider value
/// at once, so later moves are answered from memory): restore the trained weights, prune with
/// <see cref="ModelPruner"/> at the sparsity, evaluate, record per-layer densities.
/// </summary>
internal sealed class PruningService(ClassifierService classifier, StudioOptions options) : IDisposable
{
    /// <summary>The slider's sparsities (fraction of weights removed).</summary>
    public static IReadOnlyList<double> Sparsities { get; } = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999];

    /// <summary>The methods offered (structured removes neurons and reads the slider as a share of neurons).</summary>
    public static IReadOnlyList<PruningCriterion> Methods { get; } = PruningCriteria.All;

    /// <summary>Training samples SNIP and GraSP score on.</summary>
    public const int SaliencySamples = 256;

    public sealed record Status(bool Ready, string Message, string? Error);

    public sealed record Point(double Sparsity, double MeasuredSparsity, double Accuracy, IReadOnlyList<LayerDensity> Layers, IReadOnlyList<string> Collapsed);

    public sealed record Answer(string Method, double FullAccuracy, IReadOnlyList<Point> Points);

    sealed record Prepared(MlpModel Model, Dataset Train, Dataset Test, IReadOnlyList<NamedTensor> Weights, double FullAccuracy);

    readonly object gate = new();
    readonly ConcurrentDictionary<PruningCriterion, Lazy<Answer>> answers = new();
    Task<Prepared>? preparing;

    public Status GetStatus()
    {
        var task = Start();
        if (task.IsCompletedSuccessfully) return new Status(true, "ready", null);
        if (task.IsFaulted) return new Status(false, classifier.Message, "preparing the classifier failed: " + task.Exception!.GetBaseException().Message);
        return new Status(false, classifier.Message, null);
    }

    Task<Prepared> Start()
    {
        lock (gate) return preparing ??= Task.Run(async () =>
        {
            var (model, test) = await classifier.LoadCopy();
            return new Prepared(model, DataSets.Load(DataSets.Mnist10k).Train, test, ModelFile.Weights(model), Evaluator.Evaluate(model, test).Accuracy!.Value);
        });
    }

    public async Task<Answer> AnswerAsync(string method, CancellationToken token)
    {
        var criterion = PruningCriteria.Parse(method);
        var p = await Start().WaitAsync(token);
        return answers.GetOrAdd(criterion, c => new Lazy<Answer>(() => Sweep(p, c))).Value;
    }

    Answer Sweep(Prepared p, PruningCriterion criterion)
    {
        lock (p.Model)
        {
            var points = new List<Point>();
            try
            {
                foreach (var sparsity in Sparsities)
                {
                    Restore(p);
                    var outcome = ModelPruner.Apply(p.Model, new ModelPruningOptions
                    {
                        Criterion = criterion,
                        Sparsity = sparsity,
                        Seed = options.Seed,
                        Data = p.Train,
                        SaliencySamples = SaliencySamples,
                    });
                    var accuracy = Evaluator.Evaluate(p.Model, p.Test).Accuracy!.Value;
                    points.Add(new Point(sparsity, outcome.Sparsity, accuracy, outcome.Layers, outcome.CollapsedLayers));
                }
            }
            finally
            {
                Restore(p);
            }
            return new Answer(criterion.Name(), p.FullAccuracy, points);
        }
    }

    static void Restore(Prepared p)
    {
        Prune.RemoveAll(p.Model);
        ModelFile.SetWeights(p.Model, p.Weights, "the trained classifier");
    }

    public void Dispose()
    {
        if (preparing is { IsCompletedSuccessfully: true }) preparing.Result.Model.Dispose();
    }
}
