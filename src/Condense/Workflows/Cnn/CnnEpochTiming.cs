using Condense.Data;
using Condense.Models;
using Condense.Models.Cnn;

namespace Condense.Workflows.Cnn;

/// <summary>
/// Seconds for one training epoch of the VGG-style network on the first N Fashion-MNIST training
/// images with Condense's <see cref="Trainer"/> (Adam 1e-3, batch 128, LibTorch threads as set),
/// after a three-batch warm-up, which is exactly what the PyTorch peer
/// (bench/peers/cnn_epoch.py) times.
/// </summary>
internal static class CnnEpochTiming
{
    public sealed record Result(int Samples, int Batch, string Config, int Threads, double EpochSeconds, double LastLoss);

    public static Result Run(int samples, int batch = 128, string config = VggNet.DefaultConfig, string dataSet = DataSets.Fashion)
    {
        var (train, _) = DataSets.Load(dataSet);
        train = train.Take(samples);
        using var net = (VggNet)CnnFactory.Create("vgg", 0, dataSet, config);
        Trainer.Train(net, train.Take(3 * batch), null, new TrainingOptions { Epochs = 1, BatchSize = batch, StepGamma = null });
        var run = Trainer.Train(net, train, null, new TrainingOptions { Epochs = 1, BatchSize = batch, StepGamma = null });
        return new Result(train.Count, batch, config, TorchSharp.torch.get_num_threads(), run.Epochs[0].Seconds, run.Epochs[0].TrainLoss);
    }
}
