using System.Text.Json.Serialization;
using Condense.Data;
using Condense.Models;

namespace Condense.Workflows;

/// <summary>
/// What <c>condense bench train</c> reports and <c>condense bench all</c> judges: issue 3's mean
/// seconds per epoch of the MNIST classifier (8,000 digits, batch 64) beside PyTorch 1.13's. One
/// typed record for the command's JSON and the figures; serialized snake_case.
/// </summary>
/// <param name="Samples">Training samples per epoch.</param>
/// <param name="Batch">Batch size.</param>
/// <param name="WarmupS">Seconds of the first epoch (reported apart: JIT and allocation).</param>
/// <param name="MeanEpochS">Mean seconds of the timed epochs.</param>
/// <param name="BestEpochS">Fastest timed epoch.</param>
/// <param name="TorchThreads">TorchSharp's intra-op threads.</param>
/// <param name="PytorchEpochS">PyTorch 1.13's seconds per epoch on this machine (the peer, quoted).</param>
/// <param name="RatioToPytorch">Mean ÷ PyTorch's.</param>
public sealed record TrainBenchReport(int Samples, int Batch, double WarmupS, double MeanEpochS, double BestEpochS, int TorchThreads, double PytorchEpochS, double RatioToPytorch)
{
    /// <summary>PyTorch 1.13, 2 threads, same model/data/batch (../shared/peers/mlp_train.py on this machine).</summary>
    public const double PyTorchSecondsPerEpoch = 1.32;

    /// <summary>The bench's name, first in the JSON as every bench report has it.</summary>
    [JsonPropertyOrder(-1)]
    public string Bench => "train";

    /// <summary>Trains the classifier for <paramref name="epochs"/> epochs (seed 0) and times them; the first is warm-up.</summary>
    public static TrainBenchReport Run(int epochs)
    {
        if (epochs < 2) throw new CondenseException($"--epochs {epochs}: need at least 2 (one warm-up, one timed)");
        var (train, _) = DataSets.Load(DataSets.Mnist10k);
        var net = ModelFactory.Create(ModelKind.Classifier, 0);
        var result = Trainer.Train(net, train, null, new TrainingOptions { Epochs = epochs, Seed = 0 });
        var timed = result.Epochs.Skip(1).Select(e => e.Seconds).ToArray();
        var mean = timed.Average();
        return new TrainBenchReport(train.Count, 64, result.Epochs[0].Seconds, mean, timed.Min(), TorchSharp.torch.get_num_threads(),
            PyTorchSecondsPerEpoch, mean / PyTorchSecondsPerEpoch);
    }
}
