using System.CommandLine;
using Condense.Data;
using Condense.Models;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense demo</c>: the README's main job, on the embedded MNIST-10k with no argument.
/// It trains the classifier, saves it, reloads the file and evaluates it, so every step a user
/// would take runs for real.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "Folder for the demo's files", DefaultValueFactory = _ => Path.Combine("out", "demo") };
        var quick = new Option<bool>("--quick") { Description = "Fewer epochs: a fast smoke run" };
        var json = CliConsole.JsonOption();
        var command = new Command("demo", "Train, save, reload and evaluate the MNIST classifier on the embedded data.") { output, quick, json };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(output)!;
            Directory.CreateDirectory(folder);
            var console = CliConsole.For(parse);
            var asJson = parse.GetValue(json);
            var (train, test) = DataSets.Load(DataSets.Mnist10k);
            var options = new TrainingOptions { Epochs = parse.GetValue(quick) ? 1 : 3, Seed = 0 };
            var net = ModelFactory.Create(ModelKind.Classifier, options.Seed);
            var result = TrainCommand.TrainWithProgress(console, net, train, test, options, quiet: asJson);
            var path = Path.Combine(folder, "classifier.safetensors");
            ModelFile.Save(path, net, new ModelCard(DataSets.Mnist10k, options, result.Final));
            var (reloaded, _) = ModelFile.Load(path);
            var evaluation = Evaluator.Evaluate(reloaded, test);
            var bytes = new FileInfo(path).Length;
            if (asJson)
            {
                CliConsole.WriteJson(parse, new { rows = new[] { new { method = "fp32 (trained)", bytes, accuracy = evaluation.Accuracy, file = path } } });
                return 0;
            }
            var table = new Table().AddColumns("method", "bytes", "ratio", "test accuracy", "file");
            table.AddRow("fp32 (trained)", bytes.ToString("N0"), "1.0×", evaluation.ToString(), Markup.Escape(path));
            console.Write(table);
            return 0;
        });
        return command;
    }
}
