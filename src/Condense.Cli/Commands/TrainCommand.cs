using System.CommandLine;
using Condense.Data;
using Condense.Models;
using Spectre.Console;

using Condense.Cli.Reports;

namespace Condense.Cli.Commands;

/// <summary><c>condense train</c>: train one of the MNIST networks and save it as safetensors.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "classifier | autoencoder | lenet300 | lenet5 | vgg | resnet (CNNs: docs/cnn.md)", DefaultValueFactory = _ => "classifier" };
        var data = new Option<string>("--data") { Description = "mnist10k (embedded) | fashion (Debian dataset-fashion-mnist)", DefaultValueFactory = _ => DataSets.Mnist10k };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs (default 5; 10 for lenet300)" };
        var batch = new Option<int>("--batch-size") { Description = "Mini-batch size", DefaultValueFactory = _ => 64 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 1e-3 };
        var gamma = new Option<double?>("--gamma") { Description = "StepLR decay per epoch (default 0.7; none for the autoencoder)" };
        var dropout = new Option<double?>("--dropout") { Description = "Dropout after each hidden layer (default 0.5 for the classifier)" };
        var l1 = new Option<double>("--l1") { Description = "L1 penalty on weights", DefaultValueFactory = _ => 0 };
        var l2 = new Option<double>("--l2") { Description = "L2 penalty on weights", DefaultValueFactory = _ => 0 };
        var shift = new Option<int>("--shift") { Description = "Augment: shift every training image by a random offset of up to this many pixels, 0–8 (0: off)", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same bytes)", DefaultValueFactory = _ => 0 };
        var config = new Option<string?>("--config") { Description = $"vgg: its configuration (default {Condense.Models.Cnn.VggNet.DefaultConfig}); resnet: its width (default 8)" };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the model (.safetensors)", Required = true };
        var json = CliConsole.JsonOption();
        var command = new Command("train", "Train an MNIST network and save it as safetensors.")
        {
            model, data, epochs, batch, lr, gamma, dropout, l1, l2, shift, seed, config, output, json,
        };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(model)!;
            var cnn = Condense.Models.Cnn.CnnFactory.IsCnn(name);
            var kind = cnn ? ModelKind.Classifier : ModelFactory.ParseKind(name);
            var defaults = TrainingOptions.For(kind);
            var options = defaults with
            {
                Epochs = parse.GetValue(epochs) ?? (kind == ModelKind.LeNet300 ? 10 : defaults.Epochs),
                BatchSize = parse.GetValue(batch),
                LearningRate = parse.GetValue(lr),
                StepGamma = parse.GetValue(gamma) ?? defaults.StepGamma,
                L1 = parse.GetValue(l1),
                L2 = parse.GetValue(l2),
                Shift = parse.GetValue(shift),
                Seed = parse.GetValue(seed),
            };
            var (train, test) = DataSets.Load(parse.GetValue(data)!);
            var console = CliConsole.For(parse);
            var asJson = parse.GetValue(json);
            CondenseModel net = cnn
                ? Condense.Models.Cnn.CnnFactory.Create(name, options.Seed, parse.GetValue(data), parse.GetValue(config))
                : ModelFactory.Create(kind, options.Seed, parse.GetValue(dropout));
            var result = TrainingView.TrainWithProgress(console, net, train, test, options, quiet: asJson);
            var path = parse.GetValue(output)!;
            ModelFile.Save(path, net, new ModelCard(parse.GetValue(data), options, result.Final));
            if (asJson)
            {
                CliConsole.WriteJson(parse, new { model = cnn ? name : kind.ToString(), data = parse.GetValue(data), options, epochs = result.Epochs, test = result.Final, output = path, bytes = new FileInfo(path).Length });
                return 0;
            }
            console.Write(TrainingView.EpochTable(result.Epochs, net.IsClassifier));
            console.MarkupLineInterpolated($"Saved [bold]{path}[/] ({new FileInfo(path).Length:N0} bytes, {net.ParameterCount:N0} parameters): test {result.Final}");
            return 0;
        });
        return command;
    }
}
