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
/// once), its effective rank, and the accuracy-against-rank curve (<see cref="RankSweep"/>), all made
/// before the page reports ready; each slider rank is then answered once and kept.
/// </summary>
internal sealed class LowRankService(ClassifierService classifier, StudioOptions options) : IDisposable
{
    public const string Layer = "fc2";

    /// <summary>The curve's ranks (powers of two and the full rank).</summary>
    public static IReadOnlyList<int> CurveRanks(int maxRank) =>
        Enumerable.Range(0, 16).Select(i => 1 << i).TakeWhile(r => r < maxRank).Append(maxRank).ToList();

    public sealed record Status(bool Ready, string Message, string? Error, int MaxRank);

    public sealed record CurvePoint(int Rank, double Accuracy);

    public sealed record Method(string Name, double SpectralError, double FrobeniusError, double Milliseconds);

    public sealed record Answer(int Rank, int MaxRank, long Rows, long Cols, double[] Spectrum, double EffectiveRank,
        double FullAccuracy, double Accuracy, IReadOnlyList<CurvePoint> Curve, long Parameters, double CompressionRatio,
        bool Compresses, Method Exact, Method Randomized, double ExactSvdMilliseconds);

    sealed record Prepared(MlpModel Model, Dataset Test, Tensor Original, SingularValueDecomposition Svd, double[] Spectrum,
        double EffectiveRank, double FullAccuracy, IReadOnlyList<CurvePoint> Curve, double SvdMilliseconds);

    readonly object gate = new();
    readonly ConcurrentDictionary<int, Lazy<Answer>> answers = new();
    Task<Prepared>? preparing;
    volatile string message = "not started";

    public Status GetStatus()
    {
        var task = Start();
        if (task.IsCompletedSuccessfully) return new Status(true, "ready", null, task.Result.Spectrum.Length);
        if (task.IsFaulted) return new Status(false, message, "preparing the classifier failed: " + task.Exception!.GetBaseException().Message, 0);
        return new Status(false, classifier.EnsureAsync().IsCompleted ? message : classifier.Message, null, 0);
    }

    Task<Prepared> Start()
    {
        lock (gate) return preparing ??= Task.Run(Prepare);
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
        message = "measuring accuracy against rank";
        var full = Evaluator.Evaluate(model, test).Accuracy!.Value;
        var curve = CurveRanks(spectrum.Length).Select(r => new CurvePoint(r, AccuracyAt(model, weight, original, svd, test, r))).ToList();
        return new Prepared(model, test, original, svd, spectrum, EffectiveRank.FromSingularValues(spectrum), full, curve, svdMs);
    }

    /// <summary>The model's test accuracy with fc2 replaced by its rank-r truncation (restored afterwards).</summary>
    static double AccuracyAt(MlpModel model, Tensor weight, Tensor original, SingularValueDecomposition svd, Dataset test, int rank)
    {
        lock (model)
        {
            try
            {
                using (var approx = svd.Truncate(RankSelection.Fixed(rank)))
                using (var scope = NewDisposeScope())
                using (no_grad())
                    weight.copy_(approx.Reconstruct());
                return Evaluator.Evaluate(model, test).Accuracy!.Value;
            }
            finally
            {
                using (no_grad()) weight.copy_(original);
            }
        }
    }

    public async Task<Answer> AnswerAsync(int rank, CancellationToken token)
    {
        var p = await Start().WaitAsync(token);
        if (rank < 1 || rank > p.Spectrum.Length) throw new CondenseException($"rank must be in 1…{p.Spectrum.Length}, got {rank}");
        return answers.GetOrAdd(rank, r => new Lazy<Answer>(() => Compute(p, r))).Value;
    }

    Answer Compute(Prepared p, int rank)
    {
        var weight = RankSweep.FindLayer(p.Model, Layer).weight!;
        var accuracy = p.Curve.FirstOrDefault(c => c.Rank == rank)?.Accuracy ?? AccuracyAt(p.Model, weight, p.Original, p.Svd, p.Test, rank);
        var clock = Stopwatch.StartNew();
        using var exact = p.Svd.Truncate(RankSelection.Fixed(rank));
        var exactMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        using var randomized = RandomizedSvd.Compute(p.Original, rank, new RandomizedSvdOptions { Seed = (ulong)options.Seed });
        var randomizedMs = clock.Elapsed.TotalMilliseconds;
        return new Answer(rank, p.Spectrum.Length, exact.Rows, exact.Columns, p.Spectrum, p.EffectiveRank, p.FullAccuracy, accuracy,
            p.Curve, exact.ParameterCount, exact.CompressionRatio, LowRankLinear.Compresses(exact.Rows, exact.Columns, rank),
            new Method("truncated SVD", exact.RelativeSpectralError!.Value, exact.RelativeFrobeniusError, exactMs),
            new Method("randomized SVD (p = 10, q = 2)", MeasuredSpectralError(p, randomized), randomized.RelativeFrobeniusError, randomizedMs),
            p.SvdMilliseconds);
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
        if (preparing is { IsCompletedSuccessfully: true })
        {
            var p = preparing.Result;
            p.Svd.Dispose();
            p.Original.Dispose();
            p.Model.Dispose();
        }
    }
}
