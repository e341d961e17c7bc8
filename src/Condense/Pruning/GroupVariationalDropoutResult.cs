using Condense.Models;

namespace Condense.Pruning;

/// <summary>
/// What group (neuron) variational dropout produced: the compacted smaller MLP, how many hidden
/// neurons each layer had and kept, and test quality before and after the optional fine-tuning.
/// </summary>
public sealed record GroupVariationalDropoutResult(MlpModel Model, IReadOnlyList<int> SizesBefore, Evaluation Test, IReadOnlyList<EpochMetrics> Epochs, double FinalKl, double Seconds)
{
    /// <summary>Test accuracy of the compacted model straight after VD (equal to <see cref="Test"/>'s without fine-tuning).</summary>
    public double? AccuracyBeforeFineTuning { get; init; }

    /// <summary>The fine-tuning epochs of the compacted model, empty without it.</summary>
    public IReadOnlyList<EpochMetrics> FineTuningEpochs { get; init; } = [];

    /// <summary>Share of hidden neurons removed, all hidden layers together.</summary>
    public double NeuronsRemoved
    {
        get
        {
            var before = SizesBefore.Skip(1).SkipLast(1).Sum();
            var after = Model.Sizes.Skip(1).SkipLast(1).Sum();
            return before == 0 ? 0 : 1 - (double)after / before;
        }
    }

    /// <summary>Share of the weights (not biases) the compacted model keeps against the start's.</summary>
    public double WeightsKept
    {
        get
        {
            static long Weights(IReadOnlyList<int> s) => s.Zip(s.Skip(1)).Sum(p => (long)p.First * p.Second);
            return (double)Weights(Model.Sizes) / Weights(SizesBefore);
        }
    }
}
