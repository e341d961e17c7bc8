using Condense.Data;
using Condense.Models;
using Condense.Models.Cnn;
using static TorchSharp.torch;

namespace Condense.Hashing;

/// <summary>
/// HashedNets' experiment on a CNN: the hashed network (every conv kernel and Linear weight read
/// from a pool factor-times smaller, <see cref="HashedCnn"/>) and the dense network of the same
/// architecture, from the same seed and for the same epochs; for LeNet-5 also the HashedNets
/// baseline, the dense LeNet-5 with every width scaled so that it has at most the hashed one's
/// real parameters (<see cref="LeNet5.EqualSizeWidth"/>). VGG and ResNet get the full dense
/// network only.
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
        // Trains one network for the comparison's epochs and scores it on the test split: its accuracy, loss and seconds.
        (double Accuracy, double Loss, double Seconds) TrainAndScore(CondenseModel net)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Trainer.Train(net, train, null, training);
            var eval = Evaluator.Evaluate(net, test);
            return (eval.Accuracy ?? double.NaN, eval.Loss, clock.Elapsed.TotalSeconds);
        }

        using (var hashed = new HashedCnn(CnnFactory.Create(name, training.Seed, dataSet), hashing))
        {
            var label = hashing.Hashes == 1 ? "hashed"
                : $"hashed m={hashing.Hashes} ({hashing.Reduction.ToString().ToLowerInvariant()}{(hashing.SeparateBuckets ? ", separate buckets" : "")})";
            progress?.Invoke($"training {label} {hashed.Net.Architecture}: {hashed.RealParameterCount:N0} real parameters");
            var (accuracy, loss, seconds) = TrainAndScore(hashed);
            trained?.Invoke(hashed);
            rows.Add(new HashingRow(label, hashed.Net.Architecture, hashed.RealParameterCount, hashed.VirtualParameterCount,
                hashed.CompressionFactor, accuracy, loss, seconds));
        }

        if (name.Equals("lenet5", StringComparison.OrdinalIgnoreCase))
        {
            // The HashedNets baseline: the dense LeNet-5 of the hashed one's real size, every width scaled alike.
            var width = LeNet5.EqualSizeWidth(rows[0].RealParameters);
            manual_seed(training.Seed);
            using var small = new LeNet5(CnnFactory.NormalizationFor(dataSet), width);
            var (c1, c2, f1, f2) = LeNet5.Widths(width);
            var smallCount = LeNet5.ParametersAtWidth(width);
            progress?.Invoke($"training equal-size dense LeNet5 {c1}-{c2}-{f1}-{f2}: {smallCount:N0} parameters");
            var (accuracy, loss, seconds) = TrainAndScore(small);
            rows.Add(new HashingRow("equal-size dense", $"LeNet5 {c1}-{c2}-{f1}-{f2}", smallCount, smallCount, 1, accuracy, loss, seconds));
        }

        using var dense = CnnFactory.Create(name, training.Seed, dataSet);
        var count = dense.parameters().Sum(p => p.numel());
        progress?.Invoke($"training dense {dense.Architecture}: {count:N0} parameters");
        var (denseAccuracy, denseLoss, denseSeconds) = TrainAndScore(dense);
        rows.Add(new HashingRow($"dense {dense.Architecture}", dense.Architecture, count, count, 1, denseAccuracy, denseLoss, denseSeconds));
        return rows;
    }
}
