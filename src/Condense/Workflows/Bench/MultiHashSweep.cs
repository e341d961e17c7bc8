using Condense.Data;
using Condense.Hashing;
using Condense.Models;

namespace Condense.Workflows.Bench;

/// <summary>What <c>condense hash --sweep</c> trains (issue 19's multi-hashing at equal stored parameters).</summary>
/// <param name="Model">classifier or lenet300.</param>
/// <param name="Data">mnist10k or fashion.</param>
/// <param name="Factor">Weight compression of every hashed layer.</param>
/// <param name="Hashes">The m to train, each with every reduction (m = 1 once).</param>
/// <param name="SeparateBuckets">m buckets of K/m rather than one shared pool.</param>
/// <param name="Epochs">Training epochs of every network.</param>
/// <param name="Dropout">Dropout after hidden layers.</param>
/// <param name="Seed">Seed of hashes, initial weights and shuffling.</param>
public sealed record MultiHashSweepRequest(string Model, string Data, double Factor, IReadOnlyList<int> Hashes, bool SeparateBuckets, int Epochs, double Dropout, int Seed);

/// <summary>What <c>condense hash --sweep</c> reports and <c>condense bench all</c> judges: one row per (m, reduction). Serialized snake_case.</summary>
/// <param name="Factor">Weight compression of every hashed layer.</param>
/// <param name="Epochs">Training epochs of every network.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Rows">One row per network trained.</param>
public sealed record MultiHashSweepReport(double Factor, int Epochs, int Seed, IReadOnlyList<MultiHashingRow> Rows);

/// <summary>The multi-hashing sweep as one workflow: the data set loaded, the architecture of the model kind, every network trained (<see cref="MultiHashingSweep"/>).</summary>
public static class MultiHashSweep
{
    /// <summary>Loads the data, trains every (m, reduction) of <paramref name="request"/> and reports their test accuracies.</summary>
    public static MultiHashSweepReport Run(MultiHashSweepRequest request, Action<string>? progress = null)
    {
        var kind = ModelFactory.ParseKind(request.Model);
        if (kind == ModelKind.Autoencoder) throw new CondenseException("hash: only the classifiers (classifier, lenet300) can be hashed");
        var hashing = new HashingOptions { Factor = request.Factor, Seed = request.Seed, SeparateBuckets = request.SeparateBuckets };
        var training = TrainingOptions.For(kind) with { Epochs = request.Epochs, Seed = request.Seed };
        var (train, test) = DataSets.Load(request.Data);
        int[] sizes = kind == ModelKind.Classifier ? [784, 1000, 1000, 10] : [784, 300, 100, 10];
        var rows = MultiHashingSweep.Run(sizes, hashing, request.Hashes, train, test, training, request.Dropout, progress);
        return new MultiHashSweepReport(hashing.Factor, training.Epochs, training.Seed, rows);
    }
}
