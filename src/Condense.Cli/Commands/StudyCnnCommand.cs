using System.CommandLine;
using System.Globalization;
using Condense.Workflows.Cnn;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense study cnn</c>: the VGG-style network with BatchNorm on Fashion-MNIST — baseline,
/// network slimming, L1 filter pruning at slimming's FLOPs, BN fusion, depthwise-separable
/// replacement (distilled), early exit — every network exported to ONNX and measured in ONNX
/// Runtime in the same run (docs/cnn.md).
/// </summary>
public static class StudyCnnCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "fashion | mnist10k", DefaultValueFactory = _ => Condense.Data.DataSets.Fashion };
        var trainCount = new Option<int>("--train") { Description = "Training images used (0: all)", DefaultValueFactory = _ => 0 };
        var testCount = new Option<int>("--test") { Description = "Test images used (0: all)", DefaultValueFactory = _ => 0 };
        var config = new Option<string>("--config") { Description = "VGG configuration", DefaultValueFactory = _ => Condense.Models.Cnn.VggNet.DefaultConfig };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the baseline, the sparsity training and the distilled student", DefaultValueFactory = _ => 3 };
        var finetune = new Option<int>("--finetune-epochs") { Description = "Fine-tuning epochs after channel removal (and of the exit head)", DefaultValueFactory = _ => 2 };
        var lambda = new Option<double>("--lambda") { Description = "L1 penalty on BN scaling factors during sparsity training", DefaultValueFactory = _ => 1e-3 };
        var fraction = new Option<double>("--slim") { Description = "Fraction of channels slimming removes", DefaultValueFactory = _ => 0.7 };
        var distilled = new Option<bool>("--finetune-distill") { Description = "Fine-tune the slim and L1-pruned networks by distillation from the baseline (T = 4, α = 0.9) instead of from the labels alone" };
        var minKeep = new Option<double>("--slim-min-keep") { Description = "Fraction of each layer slimming always keeps (0: one global threshold, as Liu et al.)", DefaultValueFactory = _ => 0 };
        var exit = new Option<string>("--exit-after") { Description = "Comma-separated configuration steps after which an early exit is tried", DefaultValueFactory = _ => "2,5" };
        var stages = new Option<string>("--stages") { Description = "Comma-separated: " + string.Join(", ", CnnStudyRequest.KnownStages), DefaultValueFactory = _ => string.Join(",", CnnStudyRequest.KnownStages) };
        var groups = new Option<string>("--groups") { Description = "Comma-separated group counts of the group-convolution replacement", DefaultValueFactory = _ => "2,4" };
        var batch = new Option<int>("--batch-size") { Description = "Mini-batch size", DefaultValueFactory = _ => 128 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate (StepLR 0.7 per epoch)", DefaultValueFactory = _ => 1e-3 };
        var aeLr = new Option<double>("--ae-lr") { Description = "Adam learning rate of the convolutional autoencoders (the bilinear decoder collapses at 2e-3)", DefaultValueFactory = _ => 1e-3 };
        var baselineFile = new Option<string?>("--baseline") { Description = "A trained baseline (an earlier run's baseline.safetensors of this configuration and data) instead of training one" };
        var separableStart = new Option<string>("--separable-start") { Description = "random | teacher: the separable student starts from random weights or from the baseline's convs split per input channel", DefaultValueFactory = _ => "random" };
        var separableUnits = new Option<string?>("--separable-units") { Description = "Comma-separated 1-based conv units the separable stage replaces (default: all but the first)" };
        var studentEpochs = new Option<int>("--student-epochs") { Description = "Epochs of the distilled students (0: --epochs)", DefaultValueFactory = _ => 0 };
        var studentLr = new Option<double>("--student-lr") { Description = "Adam learning rate of the distilled students (0: --lr)", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--output", "-o") { Description = "Folder for the ONNX and safetensors files (none written when absent)" };
        var json = CliConsole.JsonOption();
        var command = new Command("cnn", "VGG-BN on Fashion-MNIST: slimming, filter pruning, BN fusion, depthwise-separable and group convs, layer order, conv autoencoders, early exit, all in ONNX Runtime.")
        {
            data, trainCount, testCount, config, epochs, finetune, lambda, fraction, minKeep, distilled, exit, stages, groups, batch, lr, aeLr,
            baselineFile, separableStart, separableUnits, studentEpochs, studentLr, seed, output, json,
        };
        command.SetAction(parse =>
        {
            var request = new CnnStudyRequest
            {
                DataSet = parse.GetValue(data)!, TrainCount = parse.GetValue(trainCount), TestCount = parse.GetValue(testCount),
                Config = parse.GetValue(config)!, Epochs = parse.GetValue(epochs), FineTuneEpochs = parse.GetValue(finetune),
                Lambda = parse.GetValue(lambda), SlimFraction = parse.GetValue(fraction), SlimMinKeep = parse.GetValue(minKeep), FineTuneDistilled = parse.GetValue(distilled), ExitAfterSteps = parse.GetValue(exit)!.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray(),
                Groups = parse.GetValue(groups)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(x => int.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : throw new CondenseException($"--groups: '{x}' is not a whole number")).ToArray(),
                Stages = parse.GetValue(stages)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(),
                BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr), AutoencoderLearningRate = parse.GetValue(aeLr),
                Seed = parse.GetValue(seed), OutputFolder = parse.GetValue(output),
                SeparableUnits = parse.GetValue(separableUnits)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(x => int.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var u) ? u : throw new CondenseException($"--separable-units: '{x}' is not a whole number")).ToArray(),
                BaselinePath = parse.GetValue(baselineFile), StudentEpochs = parse.GetValue(studentEpochs), StudentLearningRate = parse.GetValue(studentLr),
                SeparableStart = parse.GetValue(separableStart) switch
                {
                    "random" => StudentStart.Random,
                    "teacher" => StudentStart.Teacher,
                    var other => throw new CondenseException($"--separable-start must be random or teacher, got '{other}'"),
                },
            };
            var asJson = parse.GetValue(json);
            var console = CliConsole.For(parse);
            var report = CnnStudy.Run(request, asJson ? null : line => console.WriteLine(line));
            if (asJson)
            {
                CliConsole.WriteReport(parse, report);
                return 0;
            }
            Write(console, report);
            return 0;
        });
        return command;
    }

    static void Write(IAnsiConsole console, CnnStudyReport r)
    {
        var baseline = r.Variant("baseline")!;
        var table = new Table().AddColumns("network", "config", "params", "pruned", "MACs", "FLOPs pruned", "test error", "ORT error", "ORT ms", "vs baseline");
        foreach (var v in r.Variants)
        {
            table.AddRow(v.Name, v.Config, v.Parameters.ToString("N0"), Percent(1 - (double)v.Parameters / baseline.Parameters), v.Macs.ToString("N0"),
                Percent(1 - (double)v.Macs / baseline.Macs), Percent(1 - v.Accuracy), v.OrtAccuracy is { } o ? Percent(1 - o) : "–",
                v.OrtMilliseconds is { } ms ? ms.ToString("F2", CultureInfo.InvariantCulture) : "–",
                v.OrtMilliseconds is { } m && baseline.OrtMilliseconds is { } b ? (m / b).ToString("F2", CultureInfo.InvariantCulture) + "×" : "–");
        }
        console.Write(table);
        console.WriteLine($"{r.DataSet}: {r.TrainCount:N0} training, {r.TestCount:N0} test images; "
            + (r.BaselineFile is { } file ? $"baseline loaded from {file}" : $"baseline epoch {r.BaselineEpochSeconds:F1} s"));
        if (r.SeparableSplitEnergy is { } energy)
            console.WriteLine("separable start: rank-1 split keeps " + string.Join(", ", energy.Select(e => $"{e.Key} {e.Value:P1}")) + " of each conv's ‖W‖²");
        if (r.SlimLayers is { } layers)
            console.WriteLine($"slimming: threshold |γ| ≤ {r.SlimThreshold:G3}, {r.SlimChannelsRemoved:P1} of channels removed ({string.Join("; ", layers)}){(r.FineTuneDistilled ? "; fine-tuned by distillation from the baseline" : "")}");
        if (r.FilterFraction is { } f) console.WriteLine($"filter pruning (L1) at slimming's FLOPs: {f:P1} of filters removed in every layer");
        if (r.FusionMaxDifference is { } d) console.WriteLine($"BN fusion: largest |fused − unfused| log-probability {d:G3}");
        if (r.ReplacedParametersBefore is { } pb && r.ReplacedParametersAfter is { } pa)
            console.WriteLine($"depthwise-separable: replaced layers {pb:N0} → {pa:N0} parameters ({(double)pb / pa:F1}× fewer)");
        foreach (var g in r.Groups ?? [])
            console.WriteLine($"{g.Variant}: replaced layers {g.Before:N0} → {g.After:N0} parameters ({(double)g.Before / g.After:F1}× fewer)");
        if (r.ReorderedFusion is { } refusal) console.WriteLine($"Conv→ReLU→MaxPool→BN, BN fusion: {refusal}");
        if (r.Autoencoders is { Count: > 0 } aes)
        {
            var t = new Table().AddColumns("autoencoder", "params", "MACs", "test MSE", "ORT MSE", "max |ORT − TorchSharp|", "ORT ms", "vs ConvTranspose");
            foreach (var a in aes)
                t.AddRow(a.Name, a.Parameters.ToString("N0"), a.Macs.ToString("N0"), a.Mse.ToString("F5", CultureInfo.InvariantCulture), a.OrtMse.ToString("F5", CultureInfo.InvariantCulture),
                    a.OrtMaxDifference.ToString("G3", CultureInfo.InvariantCulture), a.OrtMilliseconds.ToString("F2", CultureInfo.InvariantCulture), (a.OrtMilliseconds / aes[0].OrtMilliseconds).ToString("F2", CultureInfo.InvariantCulture) + "×");
            console.Write(t);
        }
        foreach (var curve in r.EarlyExit ?? [])
        {
            var t = new Table().AddColumns($"exit after step {curve.AfterStep}: threshold", "exit early", "test accuracy", "average MACs", "MACs saved");
            foreach (var p in curve.Points)
                t.AddRow(p.Threshold.ToString("G4", CultureInfo.InvariantCulture), Percent(p.ExitFraction), Percent(p.Accuracy), p.AverageMacs.ToString("N0"), Percent(p.MacsSaved));
            console.Write(t);
        }
    }

    static string Percent(double v) => (100 * v).ToString("F2", CultureInfo.InvariantCulture) + " %";
}
