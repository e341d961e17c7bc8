using System.Collections.Concurrent;
using System.Diagnostics;
using Condense.Data;
using Condense.LowRank;
using Condense.Metrics;
using Condense.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 5's state: the trained classifier's fc2 (1000×1000), its exact SVD (<see cref="TruncatedSvd"/>,
/// once), its effective rank, and the test accuracy at every rank r = 1…1000, solved ahead on a
/// background thread from start-up. A slider step is a look-up: the truncated SVD's errors are
/// read off the spectrum, the accuracy from the table. The accuracy sweep is cheap because the
/// network before fc2 does not change with r: fc1's test-set activations H are computed once,
/// projected once onto fc2's right singular vectors (P = H·V), and the rank-r pre-activations
/// Z_r = P[:, :r]·(U_rΣ_r)ᵀ grow by one rank-one update per r; only fc3 runs per rank.
/// The randomized SVD (a timed computation the page shows) is answered apart
/// (<see cref="RandomizedAsync"/>), once per rank.
/// </summary>
internal sealed class LowRankService(ClassifierService classifier, StudioOptions options) : IDisposable
{
    public const string Layer = "fc2";

    /// <summary>The curve's ranks (powers of two and the full rank).</summary>
    public static IReadOnlyList<int> CurveRanks(int maxRank) =>
        Enumerable.Range(0, 16).Select(i => 1 << i).TakeWhile(r => r < maxRank).Append(maxRank).ToList();

    public sealed record Status(bool Ready, string Message, string? Error, int MaxRank, int Solved);

    public sealed record CurvePoint(int Rank, double Accuracy);

    public sealed record Method(string Name, double SpectralError, double FrobeniusError, double Milliseconds);

    /// <summary>One rank's figures; <see cref="Accuracy"/> is null while the background has not reached r (<see cref="Solved"/> ranks done).</summary>
    public sealed record Answer(int Rank, int MaxRank, long Rows, long Cols, double[] Spectrum, double EffectiveRank,
        double FullAccuracy, double? Accuracy, IReadOnlyList<CurvePoint> Curve, long Parameters, double TimesSmaller,
        bool Compresses, Method Exact, double ExactSvdMilliseconds, int Solved);

    sealed record Prepared(MlpModel Model, Dataset Test, Tensor Original, SingularValueDecomposition Svd, double[] Spectrum,
        double EffectiveRank, double FullAccuracy, double SvdMilliseconds, Tensor Projected, Tensor Left, Tensor Labels);

    readonly object gate = new();
    readonly ConcurrentDictionary<int, Lazy<Method>> randomized = new();
    readonly CancellationTokenSource stopping = new();
    Task<Prepared>? preparing;
    double[] accuracies = [];
    int solved;
    volatile string message = "not started";

    public Status GetStatus()
    {
        var task = Start();
        if (task.IsCompletedSuccessfully) return new Status(true, "ready", null, task.Result.Spectrum.Length, Volatile.Read(ref solved));
        if (task.IsFaulted) return new Status(false, message, "preparing the classifier failed: " + task.Exception!.GetBaseException().Message, 0, 0);
        return new Status(false, classifier.EnsureAsync().IsCompleted ? message : classifier.Message, null, 0, 0);
    }

    /// <summary>Starts the preparation (and then the accuracy sweep) if it has not started: at start-up, or on the page's first request.</summary>
    public Task Warm() => Start();

    Task<Prepared> Start()
    {
        lock (gate) return preparing ??= Task.Run(async () =>
        {
            var p = await Prepare();
            _ = Task.Run(() => Sweep(p, stopping.Token));
            return p;
        });
    }

    async Task<Prepared> Prepare()
    {
        var (model, test) = await classifier.LoadCopy();
        message = "computing fc2's SVD";
        var weight = RankSweep.FindLayer(model, Layer).weight!;
        var original = weight.detach().clone();
        var clock = Stopwatch.StartNew();
        var svd = TruncatedSvd.Decompose(original);
        var svdMs = clock.Elapsed.TotalMilliseconds;
        var spectrum = svd.SingularValues.ToArray();
        message = "measuring the full model's accuracy";
        var full = Evaluator.Evaluate(model, test).Accuracy!.Value;
        message = "projecting fc1's test-set activations onto fc2's singular vectors";
        using var all = svd.Truncate(RankSelection.Fixed(spectrum.Length));
        Tensor projected, left, labels;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var x = tensor(test.Images, [test.Count, test.Features]);
            if (model.Normalization is { } n) x = (x - n.Mean) / n.Std;
            var fc1 = model.Layers[0].Layer;
            var h = nn.functional.relu(fc1.forward(x));
            projected = h.mm(all.Right.t()).contiguous().DetachFromDisposeScope();  // N×k: H·V
            left = all.Left.contiguous().clone().DetachFromDisposeScope();          // m×k: U·Σ
            labels = tensor(test.Labels.Select(l => (long)l).ToArray(), [test.Count]).DetachFromDisposeScope();
        }
        accuracies = new double[spectrum.Length];
        return new Prepared(model, test, original, svd, spectrum, EffectiveRank.FromSingularValues(spectrum), full, svdMs, projected, left, labels);
    }

    /// <summary>Test accuracy at r = 1…k in order: one rank-one update of Z and one pass through fc2's bias, ReLU and fc3 per rank.</summary>
    void Sweep(Prepared p, CancellationToken token)
    {
        var layers = p.Model.Layers;
        var fc2 = layers[1].Layer;
        var fc3 = layers[2].Layer;
        using var z = zeros(p.Test.Count, p.Left.shape[0]);
        for (var r = 1; r <= p.Spectrum.Length && !token.IsCancellationRequested; r++)
        {
            lock (p.Model)
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                if (token.IsCancellationRequested) return;
                z.addmm_(p.Projected.narrow(1, r - 1, 1), p.Left.narrow(1, r - 1, 1).t());
                if (r == p.Spectrum.Length)
                {
                    // W_k = W: the model's own accuracy (the rank-one sum only equals it up to rounding).
                    accuracies[r - 1] = p.FullAccuracy;
                }
                else
                {
                    var hidden = nn.functional.relu(fc2.bias is null ? z : z + fc2.bias);
                    var logits = fc3.forward(hidden);
                    accuracies[r - 1] = logits.argmax(1).eq(p.Labels).sum().item<long>() / (double)p.Test.Count;
                }
            }
            Volatile.Write(ref solved, r);
        }
    }

    public async Task<Answer> AnswerAsync(int rank, CancellationToken token)
    {
        var p = await Start().WaitAsync(token);
        if (rank < 1 || rank > p.Spectrum.Length) throw new CondenseException($"rank must be in 1…{p.Spectrum.Length}, got {rank}");
        var done = Volatile.Read(ref solved);
        var curve = CurveRanks(p.Spectrum.Length).Where(r => r <= done).Select(r => new CurvePoint(r, accuracies[r - 1])).ToList();
        var errors = p.Svd.ErrorsAt(rank);
        var (rows, cols) = (p.Svd.Rows, p.Svd.Columns);
        var parameters = rank * (rows + cols);
        return new Answer(rank, p.Spectrum.Length, rows, cols, p.Spectrum, p.EffectiveRank, p.FullAccuracy,
            rank <= done ? accuracies[rank - 1] : null, curve, parameters, (double)rows * cols / parameters,
            LowRankLinear.Compresses(rows, cols, rank),
            new Method("truncated SVD", errors.Spectral, errors.Frobenius, p.SvdMilliseconds), p.SvdMilliseconds, done);
    }

    /// <summary>The randomized SVD (p = 10, q = 2, seeded) at a rank: its measured errors and time, computed once per rank.</summary>
    public async Task<Method> RandomizedAsync(int rank, CancellationToken token)
    {
        var p = await Start().WaitAsync(token);
        if (rank < 1 || rank > p.Spectrum.Length) throw new CondenseException($"rank must be in 1…{p.Spectrum.Length}, got {rank}");
        return randomized.GetOrAdd(rank, r => new Lazy<Method>(() =>
        {
            var clock = Stopwatch.StartNew();
            using var approx = RandomizedSvd.Compute(p.Original, r, new RandomizedSvdOptions { Seed = options.Seed });
            var ms = clock.Elapsed.TotalMilliseconds;
            return new Method("randomized SVD (p = 10, q = 2)", MeasuredSpectralError(p, approx), approx.RelativeFrobeniusError, ms);
        })).Value;
    }

    /// <summary>‖W − W̃‖₂/‖W‖₂ in float64: the largest singular value of the difference over σ₁ (the randomized SVD does not know it).</summary>
    static double MeasuredSpectralError(Prepared p, LowRankApproximation approx)
    {
        using var scope = NewDisposeScope();
        var d = p.Original.to_type(ScalarType.Float64) - approx.Left.to_type(ScalarType.Float64).mm(approx.Right.to_type(ScalarType.Float64));
        var top = linalg.svdvals(d)[0].item<double>();
        return p.Spectrum[0] > 0 ? top / p.Spectrum[0] : 0;
    }

    public void Dispose()
    {
        stopping.Cancel();
        if (preparing is { IsCompletedSuccessfully: true })
        {
            // The sweep holds the model's lock for one rank at a time and stops once cancelled.
            var p = preparing.Result;
            lock (p.Model)
            {
                p.Svd.Dispose();
                p.Original.Dispose();
                p.Projected.Dispose();
                p.Left.Dispose();
                p.Labels.Dispose();
                p.Model.Dispose();
            }
        }
    }
}
