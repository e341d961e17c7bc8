using System.CommandLine;
using System.Globalization;
using Condense.Data;
using Condense.Formats;
using Condense.Models;
using Condense.Pruning;
using ScottPlot;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense study pruning</c>: sparsity × method on the MNIST classifier or LeNet-300-100,
/// accuracy with and without fine-tuning, per-layer density (layer collapse) at initialisation
/// and after training; a JSON file and PNG plots in the output folder.
/// </summary>
public static class StudyPruningCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "classifier | lenet300", DefaultValueFactory = _ => "classifier" };
        var methods = new Option<string?>("--methods") { Description = "Comma-separated methods (default: all)" };
        var sparsities = new Option<string?>("--sparsities") { Description = "Comma-separated sparsities (default 0.5,0.8,0.9,0.95,0.98,0.99)" };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs of dense training (default 5)" };
        var finetune = new Option<int?>("--finetune-epochs") { Description = "Fine-tuning epochs per point (default 2; 0 = none)" };
        var quick = new Option<bool>("--quick") { Description = "LeNet-300-100 on 2,000 digits, 3 sparsities, 1 fine-tuning epoch: a minute, not an hour" };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--output", "-o") { Description = "Folder for pruning-study.json and the plots", DefaultValueFactory = _ => "study-pruning" };
        var json = CliConsole.JsonOption();
        var command = new Command("pruning", "Sweep pruning methods × sparsities: accuracy, fine-tuning, layer collapse.")
        {
            model, methods, sparsities, epochs, finetune, quick, seed, output, json,
        };
        command.SetAction(parse =>
        {
            var isQuick = parse.GetValue(quick);
            var options = new PruningStudyOptions { Seed = parse.GetValue(seed) };
            if (isQuick)
            {
                options = options with
                {
                    Model = ModelKind.LeNet300, TrainLimit = 2000, Training = new TrainingOptions { Epochs = 3 },
                    FineTuning = options.FineTuning with { Epochs = 1 }, Sparsities = [0.5, 0.9, 0.99],
                    CollapseSparsities = [0.9, 0.99, 0.999, 0.9999], SynFlowIterations = 20,
                };
            }
            if (parse.GetResult(model) is { Implicit: false } || !isQuick) options = options with { Model = ModelFactory.ParseKind(parse.GetValue(model)!) };
            if (parse.GetValue(methods) is { } m)
                options = options with { Methods = m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(PruningCriteria.Parse).ToArray() };
            if (parse.GetValue(sparsities) is { } s)
                options = options with { Sparsities = s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseSparsity).ToArray() };
            if (parse.GetValue(epochs) is { } e) options = options with { Training = options.Training with { Epochs = e } };
            if (parse.GetValue(finetune) is { } f)
                options = f == 0 ? options with { FineTune = false } : options with { FineTuning = options.FineTuning with { Epochs = f } };
            options = options with { Training = options.Training with { Seed = options.Seed } };

            var asJson = parse.GetValue(json);
            var console = CliConsole.For(parse);
            var (train, test) = DataSets.Load(DataSets.Mnist10k);
            var result = PruningStudy.Run(train, test, options, line => { if (!asJson) console.WriteLine(line); });
            var folder = parse.GetValue(output)!;
            Directory.CreateDirectory(folder);
            var jsonPath = Path.Combine(folder, "pruning-study.json");
            AtomicFile.WriteAllText(jsonPath, System.Text.Json.JsonSerializer.Serialize(result, CliConsole.Json));
            var plots = Plot(result, folder);
            if (asJson)
            {
                CliConsole.WriteJson(parse, new { result, json = jsonPath, plots });
                return 0;
            }
            var table = new Table().AddColumns("method", "sparsity", "pruned", "fine-tuned", "layer densities");
            foreach (var p in result.Trained)
                table.AddRow(p.Method, p.Sparsity.ToString("P1"), p.PrunedAccuracy.ToString("P2"), p.FineTunedAccuracy?.ToString("P2") ?? "",
                    string.Join(" ", p.Layers.Select(l => $"{l.Name} {l.Density:P2}")));
            console.MarkupLineInterpolated($"dense {result.Model}: accuracy {result.DenseAccuracy:P2}");
            console.Write(table);
            foreach (var finding in result.Findings) console.WriteLine(finding);
            console.WriteLine($"wrote {jsonPath} and {string.Join(", ", plots)}");
            return 0;
        });
        return command;
    }

    static double ParseSparsity(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? PruningAmount.OfFraction(v).Fraction!.Value
            : throw new CondenseException($"sparsity '{s}' is not a number");

    /// <summary>accuracy.png (solid: straight after pruning, dashed: fine-tuned) and one density plot per method.</summary>
    static IReadOnlyList<string> Plot(PruningStudyResult result, string folder)
    {
        var files = new List<string>();
        var palette = new ScottPlot.Palettes.Category10();
        var accuracy = new Plot();
        var methods = result.Trained.Select(p => p.Method).Distinct().ToArray();
        for (var i = 0; i < methods.Length; i++)
        {
            var points = result.Trained.Where(p => p.Method == methods[i]).OrderBy(p => p.Sparsity).ToArray();
            var xs = points.Select(p => 100 * p.Sparsity).ToArray();
            var pruned = accuracy.Add.Scatter(xs, points.Select(p => 100 * p.PrunedAccuracy).ToArray(), palette.GetColor(i));
            pruned.LegendText = methods[i];
            if (points.All(p => p.FineTunedAccuracy is not null))
            {
                var tuned = accuracy.Add.Scatter(xs, points.Select(p => 100 * p.FineTunedAccuracy!.Value).ToArray(), palette.GetColor(i));
                tuned.LinePattern = LinePattern.Dashed;
                tuned.LegendText = methods[i] + " (fine-tuned)";
            }
        }
        accuracy.Title($"{result.Model}: test accuracy vs sparsity (dense {100 * result.DenseAccuracy:F2} %)");
        accuracy.XLabel("sparsity (%)");
        accuracy.YLabel("accuracy (%)");
        accuracy.ShowLegend(Alignment.LowerLeft);
        files.Add(Save(accuracy, folder, "accuracy.png"));

        foreach (var method in result.AtInit.Select(p => p.Method).Distinct())
        {
            var plot = new Plot();
            var atInit = result.AtInit.Where(p => p.Method == method).OrderBy(p => p.Sparsity).ToArray();
            var trained = result.Trained.Where(p => p.Method == method).OrderBy(p => p.Sparsity).ToArray();
            var layerNames = atInit.First().Layers.Select(l => l.Name).ToArray();
            for (var j = 0; j < layerNames.Length; j++)
            {
                var a = plot.Add.Scatter(atInit.Select(p => -Math.Log10(1 - p.Sparsity)).ToArray(), atInit.Select(p => LogDensity(p.Layers[j])).ToArray(), palette.GetColor(j));
                a.LegendText = $"{layerNames[j]} at init";
                if (trained.Length > 0)
                {
                    var t = plot.Add.Scatter(trained.Select(p => -Math.Log10(1 - p.Sparsity)).ToArray(), trained.Select(p => LogDensity(p.Layers[j])).ToArray(), palette.GetColor(j));
                    t.LinePattern = LinePattern.Dashed;
                    t.LegendText = $"{layerNames[j]} trained";
                }
            }
            plot.Title($"{method}: per-layer density (−6 = layer collapsed)");
            plot.XLabel("compression −log10(1 − sparsity)");
            plot.YLabel("log10 layer density");
            plot.ShowLegend(Alignment.LowerLeft);
            files.Add(Save(plot, folder, $"density-{method}.png"));
        }
        return files;
    }

    static double LogDensity(LayerDensity l) => l.Collapsed ? -6 : Math.Max(-6, Math.Log10(l.Density));

    static string Save(Plot plot, string folder, string name)
    {
        var path = Path.Combine(folder, name);
        var png = plot.GetImageBytes(900, 600, ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, png);
        return path;
    }
}
