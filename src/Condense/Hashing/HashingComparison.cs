using Condense.Data;
using Condense.LowRank;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Hashing;

/// <summary>One trained network of a <see cref="HashingComparison"/>.</summary>
internal sealed record HashingRow(string Network, string Sizes, long RealParameters, long VirtualParameters, double CompressionFactor, double Accuracy, double Loss, double Seconds);

/// <summary>
/// HashedNets' experiment (Chen et al. 2015, §6, Table 1): at a compression factor, train the
/// hashed network and a dense network with as many real parameters, from the same seed and for
/// the same epochs, and compare test accuracy. The claim under test is that at high compression
/// the hashed network wins because it keeps the wide architecture. A third network keeps the
/// wide architecture too, but factorises each weight matrix at the common rank that fits the same
/// parameter count (<see cref="EqualSizeLowRank"/>), trained from scratch with the same seed,
/// epochs and dropout: random sharing against structured (low-rank) sharing.
/// </summary>
internal static class HashingComparison
{
    public static IReadOnlyList<HashingRow> Run(IReadOnlyList<int> sizes, HashingOptions hashing, Dataset train, Dataset test,
        TrainingOptions training, double dropout, bool includeStructured = false, Action<string>? progress = null,
        Action<HashedMlp>? trained = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        var rows = new List<HashingRow>();
        var variants = includeStructured && hashing.Variant == HashingVariant.Hashed
            ? new[] { hashing, hashing with { Variant = HashingVariant.Structured, Hashes = 1 } }
            : [hashing];
        long hashedReal = 0;
        foreach (var options in variants)
        {
            manual_seed(training.Seed);
            using var model = new HashedMlp(sizes, options, dropout);
            if (options == hashing) hashedReal = model.RealParameterCount;
            var label = options.Variant == HashingVariant.Hashed
                ? options.Hashes == 1 ? "hashed" : $"hashed m={options.Hashes} ({options.Reduction.ToString().ToLowerInvariant()}{(options.SeparateBuckets ? ", separate buckets" : "")})"
                : $"structured (rank {((StructuredHashedLinear)model.VirtualLayers[0].Layer).Rank} in fc1)";
            progress?.Invoke($"training {label}: {model.RealParameterCount:N0} real parameters");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = Trainer.Train(model, train, null, training);
            var eval = Evaluator.Evaluate(model, test);
            if (options == hashing) trained?.Invoke(model);
            rows.Add(new HashingRow(label, string.Join("-", sizes), model.RealParameterCount, model.VirtualParameterCount,
                model.CompressionFactor, eval.Accuracy ?? double.NaN, eval.Loss, clock.Elapsed.TotalSeconds));
        }

        var denseSizes = EqualSizeDense.Sizes(sizes, hashedReal);
        progress?.Invoke($"training equal-size dense {string.Join("-", denseSizes)}");
        manual_seed(training.Seed);
        using var dense = new MlpModel(ModelKind.Classifier, denseSizes, dropout, Normalization.Mnist);
        var denseClock = System.Diagnostics.Stopwatch.StartNew();
        Trainer.Train(dense, train, null, training);
        var denseEval = Evaluator.Evaluate(dense, test);
        var denseCount = EqualSizeDense.ParameterCount(denseSizes);
        rows.Add(new HashingRow("equal-size dense", string.Join("-", denseSizes), denseCount, denseCount, 1,
            denseEval.Accuracy ?? double.NaN, denseEval.Loss, denseClock.Elapsed.TotalSeconds));

        var ranks = EqualSizeLowRank.Ranks(sizes, hashedReal);
        var rankText = string.Join(",", ranks.Select(r => r?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "full"));
        progress?.Invoke($"training equal-size low rank (ranks {rankText})");
        manual_seed(training.Seed);
        using var lowRank = new FactorizedMlp(sizes, ranks, dropout, Normalization.Mnist);
        var lowRankClock = System.Diagnostics.Stopwatch.StartNew();
        Trainer.Train(lowRank, train, null, training);
        var lowRankEval = Evaluator.Evaluate(lowRank, test);
        var lowRankCount = lowRank.ParameterCount;
        rows.Add(new HashingRow($"equal-size low rank (ranks {rankText})", string.Join("-", sizes), lowRankCount, EqualSizeDense.ParameterCount(sizes),
            EqualSizeDense.ParameterCount(sizes) / (double)lowRankCount, lowRankEval.Accuracy ?? double.NaN, lowRankEval.Loss, lowRankClock.Elapsed.TotalSeconds));
        return rows;
    }
}
