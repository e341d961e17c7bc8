using System.CommandLine;
using Condense.Data;
using Condense.Models;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench train</c>: mean seconds per epoch of the classifier on MNIST-10k's 8,000
/// training digits, batch 64, beside PyTorch 1.13 on the same machine (1.32 s, from the peer).
/// </summary>
public static class BenchTrainCommand
{
    /// <summary>PyTorch 1.13, 2 threads, same model/data/batch (../shared/peers/mlp_train.py on this machine).</summary>
    public const double PyTorchSecondsPerEpoch = 1.32;

    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "Epochs to time (the first is reported apart as warm-up)", DefaultValueFactory = _ => 4 };
        var json = CliConsole.JsonOption();
        var command = new Command("train", "Seconds per epoch of the MNIST classifier (batch 64, 8,000 samples).") { epochs, json };
        command.SetAction(parse =>
        {
            var n = parse.GetValue(epochs);
            if (n < 2) throw new CondenseException($"--epochs {n}: need at least 2 (one warm-up, one timed)");
            var (train, _) = DataSets.Load(DataSets.Mnist10k);
            var net = ModelFactory.Create(ModelKind.Classifier, 0);
            var result = Trainer.Train(net, train, null, new TrainingOptions { Epochs = n, Seed = 0 });
            var timed = result.Epochs.Skip(1).Select(e => e.Seconds).ToArray();
            var mean = timed.Average();
            var best = timed.Min();
            var row = new
            {
                bench = "train",
                samples = train.Count,
                batch = 64,
                warmup_s = result.Epochs[0].Seconds,
                mean_epoch_s = mean,
                best_epoch_s = best,
                torch_threads = TorchSharp.torch.get_num_threads(),
                pytorch_epoch_s = PyTorchSecondsPerEpoch,
                ratio_to_pytorch = mean / PyTorchSecondsPerEpoch,
            };
            if (parse.GetValue(json))
            {
                CliConsole.WriteJson(parse, row);
                return 0;
            }
            var table = new Table().AddColumns("", "s / epoch", "vs PyTorch 1.13");
            table.AddRow("Condense (TorchSharp), mean", mean.ToString("F3"), (mean / PyTorchSecondsPerEpoch).ToString("F2") + "×");
            table.AddRow("Condense (TorchSharp), best", best.ToString("F3"), (best / PyTorchSecondsPerEpoch).ToString("F2") + "×");
            table.AddRow("PyTorch 1.13 (peer)", PyTorchSecondsPerEpoch.ToString("F3"), "1.00×");
            CliConsole.For(parse).Write(table);
            return 0;
        });
        return command;
    }
}
