using Condense.Cli.Bench;
using System.CommandLine;
using System.Globalization;
using Condense.Workflows.Bench;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench cnn</c>: one training epoch of the VGG-style network with BatchNorm on
/// Fashion-MNIST, Condense (TorchSharp) and PyTorch 1.13 (bench/peers/cnn_epoch.py, same
/// architecture, batch, optimiser and threads) in the same run (<see cref="CnnPeer"/>); the ratio is the figure.
/// </summary>
public static class BenchCnnCommand
{
    public static Command Create()
    {
        var samples = new Option<int>("--samples") { Description = "Training images in the epoch (60000: all of Fashion-MNIST)", DefaultValueFactory = _ => 60000 };
        var batch = new Option<int>("--batch-size") { Description = "Mini-batch size", DefaultValueFactory = _ => 128 };
        var config = new Option<string>("--config") { Description = "VGG configuration", DefaultValueFactory = _ => Condense.Models.Cnn.VggNet.DefaultConfig };
        var noPeer = new Option<bool>("--no-peer") { Description = "Skip the PyTorch peer" };
        var json = CliConsole.JsonOption();
        var command = new Command("cnn", "One epoch of VGG-BN on Fashion-MNIST: Condense vs PyTorch 1.13 in the same run.") { samples, batch, config, noPeer, json };
        command.SetAction(parse =>
        {
            var report = CnnPeer.Measure(new CnnBenchRequest(parse.GetValue(samples), parse.GetValue(batch), parse.GetValue(config)!, Peer: !parse.GetValue(noPeer)));
            if (parse.GetValue(json))
            {
                CliConsole.WriteReport(parse, report);
                return 0;
            }
            var table = new Table().AddColumns("", "s / epoch", "vs PyTorch");
            table.AddRow($"Condense (TorchSharp, {report.Threads} threads)", report.CondenseEpochS.ToString("F2", CultureInfo.InvariantCulture),
                report.RatioToPytorch is { } r ? r.ToString("F2", CultureInfo.InvariantCulture) + "×" : "–");
            table.AddRow($"PyTorch {report.PytorchVersion ?? "(not run)"}", report.PytorchEpochS?.ToString("F2", CultureInfo.InvariantCulture) ?? "–", "1.00×");
            var console = CliConsole.For(parse);
            console.Write(table);
            console.WriteLine($"{report.Samples:N0} Fashion-MNIST images, batch {report.Batch}, VGG {report.Config}; load average {report.LoadAverage}");
            return 0;
        });
        return command;
    }
}
