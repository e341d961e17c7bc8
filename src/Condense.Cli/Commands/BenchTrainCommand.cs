using System.CommandLine;
using Condense.Workflows;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench train</c>: mean seconds per epoch of the classifier on MNIST-10k's 8,000
/// training digits, batch 64, beside PyTorch 1.13 on the same machine (1.32 s, from the peer).
/// </summary>
public static class BenchTrainCommand
{
    const double PyTorchSecondsPerEpoch = TrainBenchReport.PyTorchSecondsPerEpoch;

    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "Epochs to time (the first is reported apart as warm-up)", DefaultValueFactory = _ => 4 };
        var json = CliConsole.JsonOption();
        var command = new Command("train", "Seconds per epoch of the MNIST classifier (batch 64, 8,000 samples).") { epochs, json };
        command.SetAction(parse =>
        {
            var row = TrainBenchReport.Run(parse.GetValue(epochs));
            var (mean, best) = (row.MeanEpochS, row.BestEpochS);
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
