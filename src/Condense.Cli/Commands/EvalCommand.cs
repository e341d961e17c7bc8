using System.CommandLine;
using Condense.Data;
using Condense.Models;

namespace Condense.Cli.Commands;

/// <summary><c>condense eval</c>: a saved model's accuracy (or MSE) on the test split.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A model written by 'condense train' (.safetensors)" };
        var data = new Option<string?>("--data") { Description = "Data set (default: the one the model was trained on)" };
        var json = CliConsole.JsonOption();
        var command = new Command("eval", "Evaluate a saved model on the test split.") { model, data, json };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(model)!;
            var (net, card) = ModelFile.Load(path);
            var dataName = parse.GetValue(data) ?? card.DataSet ?? DataSets.Mnist10k;
            var (_, test) = DataSets.Load(dataName);
            var result = Evaluator.Evaluate(net, test);
            if (parse.GetValue(json))
                CliConsole.WriteJson(parse, new { model = path, data = dataName, accuracy = result.Accuracy, loss = result.Loss, mse = net.IsClassifier ? (double?)null : result.Loss, count = result.Count });
            else
                parse.InvocationConfiguration.Output.WriteLine($"{path}: {net.Kind} on {test.Name} ({result.Count} items): {result}");
            return 0;
        });
        return command;
    }
}
