using Condense.Data;
using Condense.Models;
using Condense.Models.Cnn;
using static TorchSharp.torch;

namespace Condense.Hashing;

/// <summary>
/// HashedNets' experiment on a CNN: the hashed network (every conv kernel and Linear weight read
/// from a pool factor-times smaller, <see cref="HashedCnn"/>) and the dense network of the same
/// architecture, from the same seed and for the same epochs. The CNNs' widths are fixed, so there
/// is no equal-size dense CNN to train as for the MLPs (<see cref="HashingComparison"/>): the
/// baseline is the full dense network, and the row's factor says how much smaller the hashed one is.
/// </summary>
internal static class HashedCnnComparison
{
    /// <param name="name">lenet5, vgg or resnet (<see cref="CnnFactory"/>).</param>
    /// <param name="dataSet">Picks the input normalisation.</param>
    /// <param name="hashing">Factor, hashes, reduction, buckets and seed.</param>
    /// <param name="train">Training split.</param>
    /// <param name="test">Test split.</param>
    /// <param name="training">Epochs, batch, rate and seed, the same for both networks.</param>
    /// <param name="progress">Receives a line before each training.</param>
    /// <param name="trained">Receives the trained hashed network (to save it) before it is disposed.</param>
    public static IReadOnlyList<HashingRow> Run(string name, string? dataSet, HashingOptions hashing, Dataset train, Dataset test,
        TrainingOptions training, Action<string>? progress = null, Action<HashedCnn>? trained = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        var rows = new List<HashingRow>();
        using (var hashed = new HashedCnn(CnnFactory.Create(name, training.Seed, dataSet), hashing))
        {
            var label = hashing.Hashes == 1 ? "hashed"
                : $"hashed m={hashing.Hashes} ({hashing.Reduction.ToString().ToLowerInvariant()}{(hashing.SeparateBuckets ? ", separate buckets" : "")})";
            progress?.Invoke($"training {label} {hashed.Net.Architecture}: {hashed.RealParameterCount:N0} real parameters");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Trainer.Train(hashed, train, null, training);
            var eval = Evaluator.Evaluate(hashed, test);
            trained?.Invoke(hashed);
            rows.Add(new HashingRow(label, hashed.Net.Architecture, hashed.RealParameterCount, hashed.VirtualParameterCount,
                hashed.CompressionFactor, eval.Accuracy ?? double.NaN, eval.Loss, clock.Elapsed.TotalSeconds));
        }

        using var dense = CnnFactory.Create(name, training.Seed, dataSet);
        var count = dense.parameters().Sum(p => p.numel());
        progress?.Invoke($"training dense {dense.Architecture}: {count:N0} parameters");
        var denseClock = System.Diagnostics.Stopwatch.StartNew();
        Trainer.Train(dense, train, null, training);
        var denseEval = Evaluator.Evaluate(dense, test);
        rows.Add(new HashingRow($"dense {dense.Architecture}", dense.Architecture, count, count, 1,
            denseEval.Accuracy ?? double.NaN, denseEval.Loss, denseClock.Elapsed.TotalSeconds));
        return rows;
    }
}
