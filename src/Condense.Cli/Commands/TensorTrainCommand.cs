using System.CommandLine;
using Condense.Data;
using Condense.LowRank;
using Condense.LowRank.TensorTrain;
using Condense.Models;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense tensor-train MODEL --layer fc2 --modes 10x10x10 --rank 12 --epochs 2 -o tt.safetensors</c>:
/// one layer of a trained classifier in TT format (Novikov et al. 2015), initialised by TT-SVD and
/// fine-tuned with the cores trained; writes the network (dense layers + cores) for <c>condense eval</c>.
/// </summary>
public static class TensorTrainCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A classifier written by 'condense train' (.safetensors)" };
        var layer = new Option<string>("--layer") { Description = "The layer to put in TT format", DefaultValueFactory = _ => "fc2" };
        var outModes = new Option<string>("--out-modes") { Description = "Output modes, product = the layer's outputs (e.g. 10x10x10)", DefaultValueFactory = _ => "10x10x10" };
        var inModes = new Option<string>("--in-modes") { Description = "Input modes, product = the layer's inputs", DefaultValueFactory = _ => "10x10x10" };
        var rank = new Option<int>("--rank") { Description = "Inner TT-rank r (ranks 1, r, …, r, 1)", DefaultValueFactory = _ => 12 };
        var epochs = new Option<int>("--epochs") { Description = "Fine-tuning epochs of the whole network with the layer in TT format (0: TT-SVD only)", DefaultValueFactory = _ => 2 };
        var rate = new Option<double>("--learning-rate") { Description = "Fine-tuning learning rate (Adam)", DefaultValueFactory = _ => 1e-3 };
        var seed = new Option<int>("--seed") { Description = "Seed of the fine-tuning", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--output", "-o") { Description = "Network to write (.safetensors: dense layers and TT cores)", Required = true };
        var json = CliConsole.JsonOption();
        var command = new Command("tensor-train", "Put one layer of a trained classifier in tensor-train format, fine-tune it, and write the network.")
        {
            model, layer, outModes, inModes, rank, epochs, rate, seed, output, json,
        };
        command.SetAction(parse =>
        {
            var r = parse.GetValue(rank);
            var o = Modes(parse.GetValue(outModes)!);
            var shape = new TensorTrainShape(o, Modes(parse.GetValue(inModes)!), [1, .. Enumerable.Repeat(r, o.Length - 1), 1]);
            var n = parse.GetValue(epochs);
            if (n is < 0 or > 1000) throw new CondenseException($"tensor-train: --epochs {n} must be in 0–1000");
            var (net, card) = ModelFile.Load(parse.GetValue(model)!);
            using (net)
            {
                var dataName = card.DataSet ?? DataSets.Mnist10k;
                var (train, test) = DataSets.Load(dataName);
                var fineTune = n == 0 ? null : TrainingOptions.For(ModelKind.Classifier) with { Epochs = n, LearningRate = parse.GetValue(rate), Seed = parse.GetValue(seed) };
                var (tt, report) = TensorTrainCompression.Run(net, parse.GetValue(layer)!, shape, train, test, fineTune);
                using (tt)
                    StructuredModelFile.Save(parse.GetValue(output)!, tt, new ModelCard(dataName));
                if (parse.GetValue(json))
                {
                    CliConsole.WriteJson(parse, new { model = parse.GetValue(model), output = parse.GetValue(output), data = dataName, epochs = n, report, compression_factor = report.CompressionFactor });
                    return 0;
                }
                var table = new Table().AddColumns("layer", "TT shape (out|in|ranks)", "dense params", "TT params", "factor", "rel. Frobenius err",
                    "dense acc.", "TT-SVD acc.", "fine-tuned acc.");
                table.AddRow(report.Layer, Markup.Escape(report.Shape), report.DenseParameters.ToString("N0"), report.CoreParameters.ToString("N0"),
                    $"{report.CompressionFactor:F1}×", report.RelativeError.ToString("F4"), report.DenseAccuracy.ToString("P2"),
                    report.DecomposedAccuracy.ToString("P2"), report.FineTunedAccuracy.ToString("P2"));
                var console = CliConsole.For(parse);
                console.Write(table);
                console.WriteLine($"wrote {parse.GetValue(output)}");
                return 0;
            }
        });
        return command;
    }

    static int[] Modes(string text) => text.Split('x', StringSplitOptions.TrimEntries).Select(p =>
        int.TryParse(p, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0
            ? v : throw new CondenseException($"tensor-train: mode '{p}' is not a positive whole number")).ToArray();
}
