using System.Diagnostics;
using Condense.Data;
using Condense.Formats;
using Condense.Models;
using Condense.Pruning;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 6's state: its own copy of the trained classifier, and every method × sparsity of the
/// slider pruned and evaluated on one background thread (restore the trained weights, prune with
/// <see cref="ModelPruner"/>, evaluate, record per-layer densities). With solving ahead on, the
/// worker starts at start-up and covers all methods; the method the reader views comes first, its
/// sparsity nearest the slider first, the rest coarse to fine (<see cref="Order"/>). A request
/// never waits for pruning: it answers with the sparsities solved so far and the progress, and
/// the page asks again until its method is complete.
/// </summary>
internal sealed class PruningService(ClassifierService classifier, StudioOptions options) : IDisposable
{
    /// <summary>The slider's sparsities (fraction of weights removed).</summary>
    public static IReadOnlyList<double> Sparsities { get; } = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999];

    /// <summary>Coarse to fine: the page's opening 90 %, the ends, the middle, then the gaps.</summary>
    public static IReadOnlyList<int> Order { get; } = [9, 0, 5, 12, 14, 2, 7, 10, 11, 13, 1, 3, 4, 6, 8];

    /// <summary>The slider's opening position (90 %).</summary>
    public const int DefaultIndex = 9;

    /// <summary>The methods offered (structured removes neurons and reads the slider as a share of neurons).</summary>
    public static IReadOnlyList<PruningCriterion> Methods { get; } = PruningCriteria.All;

    /// <summary>Training samples SNIP and GraSP score on.</summary>
    public const int SaliencySamples = 256;

    public sealed record Status(bool Ready, string Message, string? Error, int Done, int Total);

    public sealed record Point(double Sparsity, double MeasuredSparsity, double Accuracy, IReadOnlyList<LayerDensity> Layers, IReadOnlyList<string> Collapsed, double Seconds);

    /// <summary>A method's sweep so far: <see cref="Points"/> in slider order, null where not solved yet.</summary>
    public sealed record Answer(string Method, double FullAccuracy, IReadOnlyList<Point?> Points, int Done, int Total, int AllDone, int AllTotal);

    sealed record Prepared(MlpModel Model, Dataset Train, Dataset Test, IReadOnlyList<NamedTensor> Weights, double FullAccuracy);

    readonly object gate = new();
    readonly Point?[,] points = new Point?[Methods.Count, Sparsities.Count];
    readonly SemaphoreSlim wake = new(0);
    readonly CancellationTokenSource stopping = new();
    Task<Prepared>? preparing;
    int viewedMethod, viewedIndex = DefaultIndex, done;

    static int Total => Methods.Count * Sparsities.Count;

    public Status GetStatus()
    {
        var task = Start();
        if (task.IsCompletedSuccessfully) return new Status(true, "ready", null, Volatile.Read(ref done), Total);
        if (task.IsFaulted) return new Status(false, classifier.Message, "preparing the classifier failed: " + task.Exception!.GetBaseException().Message, 0, Total);
        return new Status(false, classifier.Message, null, 0, Total);
    }

    /// <summary>Starts loading the model and the background worker (at start-up, or on the page's first request).</summary>
    public Task Warm() => Start();

    Task<Prepared> Start()
    {
        lock (gate) return preparing ??= Task.Run(async () =>
        {
            var (model, test) = await classifier.LoadCopy();
            var p = new Prepared(model, DataSets.Load(DataSets.Mnist10k).Train, test, ModelFile.Weights(model), Evaluator.Evaluate(model, test).Accuracy!.Value);
            _ = Task.Run(() => Work(p, stopping.Token));
            return p;
        });
    }

    /// <summary>What the reader sees now: a method's points solved so far. Moves the worker to that method (and sparsity <paramref name="at"/>).</summary>
    public async Task<Answer> AnswerAsync(string method, int? at, CancellationToken token)
    {
        var criterion = PruningCriteria.Parse(method);
        var m = IndexOf(criterion);
        if (at is { } i && (i < 0 || i >= Sparsities.Count)) throw new CondenseException($"sparsity index must be in 0…{Sparsities.Count - 1}, got {i}");
        Volatile.Write(ref viewedMethod, m);
        Volatile.Write(ref viewedIndex, at ?? DefaultIndex);
        wake.Release();
        var p = await Start().WaitAsync(token);
        Point?[] row;
        lock (points) row = Enumerable.Range(0, Sparsities.Count).Select(j => points[m, j]).ToArray();
        return new Answer(criterion.Name(), p.FullAccuracy, row, row.Count(x => x is not null), row.Length, Volatile.Read(ref done), Total);
    }

    static int IndexOf(PruningCriterion c)
    {
        for (var i = 0; i < Methods.Count; i++) if (Methods[i] == c) return i;
        throw new CondenseException($"pruning method {c.Name()} is not offered");
    }

    /// <summary>The next (method, sparsity) to solve: the viewed method first, then (solving ahead) the others in order.</summary>
    (int Method, int Index)? Next()
    {
        var m = Volatile.Read(ref viewedMethod);
        var at = Volatile.Read(ref viewedIndex);
        lock (points)
        {
            if (points[m, at] is null) return (m, at);
            foreach (var j in Order) if (points[m, j] is null) return (m, j);
            if (!options.SolveAhead || !options.PruneAhead) return null;
            for (var i = 0; i < Methods.Count; i++)
                foreach (var j in Order)
                    if (points[i, j] is null) return (i, j);
        }
        return null;
    }

    async Task Work(Prepared p, CancellationToken token)
    {
        try
        {
            while (!token.IsCancellationRequested)
            {
                if (Next() is not { } job)
                {
                    if (Volatile.Read(ref done) == Total) return;
                    await wake.WaitAsync(token);
                    continue;
                }
                var point = Solve(p, Methods[job.Method], Sparsities[job.Index], token);
                if (point is null) return;
                lock (points) points[job.Method, job.Index] = point;
                Interlocked.Increment(ref done);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    Point? Solve(Prepared p, PruningCriterion criterion, double sparsity, CancellationToken token)
    {
        lock (p.Model)
        {
            if (token.IsCancellationRequested) return null;
            var clock = Stopwatch.StartNew();
            try
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
                return new Point(sparsity, outcome.Sparsity, accuracy, outcome.Layers, outcome.CollapsedLayers, clock.Elapsed.TotalSeconds);
            }
            finally
            {
                Restore(p);
            }
        }
    }

    static void Restore(Prepared p)
    {
        p.Model.Masks.Clear();
        ModelFile.SetWeights(p.Model, p.Weights, "the trained classifier");
    }

    public void Dispose()
    {
        stopping.Cancel();
        if (preparing is { IsCompletedSuccessfully: true })
        {
            var model = preparing.Result.Model;
            lock (model) model.Dispose();
        }
    }
}
