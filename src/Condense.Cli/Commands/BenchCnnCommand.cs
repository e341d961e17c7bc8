using Condense.Cli.Bench;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Condense.Workflows.Cnn;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench cnn</c>: one training epoch of the VGG-style network with BatchNorm on
/// Fashion-MNIST, Condense (TorchSharp) and PyTorch 1.13 (bench/peers/cnn_epoch.py, same
/// architecture, batch, optimiser and threads) in the same run; the ratio is the figure.
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
            var n = parse.GetValue(samples);
            if (n < 1) throw new CondenseException($"--samples {n} must be at least 1");
            var ours = CnnEpochTiming.Run(n, parse.GetValue(batch), parse.GetValue(config)!);
            var peer = parse.GetValue(noPeer) ? null : RunPeer(ours);
            var peerSeconds = peer?["epoch_s"]?.GetValue<double>();
            var row = new
            {
                bench = "cnn",
                samples = ours.Samples,
                batch = ours.Batch,
                config = ours.Config,
                threads = ours.Threads,
                condense_epoch_s = ours.EpochSeconds,
                pytorch_epoch_s = peerSeconds,
                pytorch_version = (string?)peer?["torch"],
                ratio_to_pytorch = ours.EpochSeconds / peerSeconds,
                load_average = LoadAverages.OneMinute(),
            };
            if (parse.GetValue(json))
            {
                CliConsole.WriteReport(parse, row);
                return 0;
            }
            var table = new Table().AddColumns("", "s / epoch", "vs PyTorch");
            table.AddRow($"Condense (TorchSharp, {ours.Threads} threads)", ours.EpochSeconds.ToString("F2", CultureInfo.InvariantCulture),
                row.ratio_to_pytorch is { } r ? r.ToString("F2", CultureInfo.InvariantCulture) + "×" : "–");
            table.AddRow($"PyTorch {row.pytorch_version ?? "(not run)"}", peerSeconds?.ToString("F2", CultureInfo.InvariantCulture) ?? "–", "1.00×");
            var console = CliConsole.For(parse);
            console.Write(table);
            console.WriteLine($"{ours.Samples:N0} Fashion-MNIST images, batch {ours.Batch}, VGG {ours.Config}; load average {row.load_average}");
            return 0;
        });
        return command;
    }

    /// <summary>Runs bench/peers/cnn_epoch.py (found above the current folder) under Debian's python3.</summary>
    static JsonNode RunPeer(CnnEpochTiming.Result ours)
    {
        string? script = null;
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null && script is null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "peers", "cnn_epoch.py");
            if (File.Exists(candidate)) script = candidate;
        }
        if (script is null) throw new CondenseException("bench cnn: bench/peers/cnn_epoch.py not found above the current folder (or pass --no-peer)");
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { script, "--samples", ours.Samples.ToString(CultureInfo.InvariantCulture), "--batch", ours.Batch.ToString(CultureInfo.InvariantCulture),
                     "--threads", ours.Threads.ToString(CultureInfo.InvariantCulture), "--config", ours.Config })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new CondenseException("bench cnn: could not start /usr/bin/python3");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new CondenseException($"bench cnn: the peer failed (exit {process.ExitCode}): {stderr.Result.Trim().Split('\n').LastOrDefault()} (python3-torch installed?)");
        return JsonNode.Parse(stdout.Trim().Split('\n').Last()) ?? throw new CondenseException("bench cnn: the peer printed no JSON");
    }
}
