using Condense.Data;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Hashing;

/// <summary>One network of a <see cref="MultiHashingSweep"/>.</summary>
/// <param name="Hashes">m, hash functions per virtual weight.</param>
/// <param name="Reduction">How the m reads combine (sum, product, max, min; "—" for m = 1).</param>
/// <param name="Buckets">"shared" (one pool) or "separate" (m buckets of K/m).</param>
/// <param name="RealParameters">Stored numbers: pools and biases.</param>
/// <param name="CompressionFactor">Virtual / real parameters.</param>
/// <param name="Accuracy">Test accuracy.</param>
/// <param name="Loss">Test loss.</param>
/// <param name="Seconds">Training time (noisy on a shared machine).</param>
public sealed record MultiHashingRow(int Hashes, string Reduction, string Buckets, long RealParameters, double CompressionFactor, double Accuracy, double Loss, double Seconds);

/// <summary>
/// Multi-hashing at equal stored parameters: for each m the same hashed architecture is trained
/// with every reduction, from the same seed, for the same epochs, with the pool (K real weights
/// per layer, split into m buckets when <see cref="HashingOptions.SeparateBuckets"/>) the same size
/// for every m. What it answers: does reading m entries per weight buy accuracy when the budget of
/// stored numbers is fixed (Wu et al., CVPR 2020, §3.1), and which reduction trains.
/// </summary>
internal static class MultiHashingSweep
{
    /// <summary>The reductions every m &gt; 1 is trained with.</summary>
    public static IReadOnlyList<HashReduction> Reductions { get; } = [HashReduction.Sum, HashReduction.Product, HashReduction.Max, HashReduction.Min];

    public static IReadOnlyList<MultiHashingRow> Run(IReadOnlyList<int> sizes, HashingOptions hashing, IReadOnlyList<int> hashes, Dataset train, Dataset test,
        TrainingOptions training, double dropout, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (hashes.Count == 0 || hashes.Any(m => m is < 1 or > 16)) throw new CondenseException($"hashes [{string.Join(", ", hashes)}] must each be in 1–16");
        var rows = new List<MultiHashingRow>();
        foreach (var m in hashes)
        {
            foreach (var reduction in m == 1 ? [HashReduction.Sum] : Reductions)
            {
                var options = hashing with { Hashes = m, Reduction = reduction, Variant = HashingVariant.Hashed };
                var label = m == 1 ? "—" : reduction.ToString().ToLowerInvariant();
                var buckets = m > 1 && options.SeparateBuckets ? "separate" : "shared";
                manual_seed(training.Seed);
                using var model = new HashedMlp(sizes, options, dropout);
                progress?.Invoke($"training m={m} {label} ({buckets}): {model.RealParameterCount:N0} real parameters");
                var clock = System.Diagnostics.Stopwatch.StartNew();
                Trainer.Train(model, train, null, training);
                var eval = Evaluator.Evaluate(model, test);
                rows.Add(new MultiHashingRow(m, label, buckets, model.RealParameterCount, model.CompressionFactor,
                    eval.Accuracy ?? double.NaN, eval.Loss, clock.Elapsed.TotalSeconds));
            }
        }
        return rows;
    }
}
