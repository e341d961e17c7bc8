using System.CommandLine;
using System.Globalization;
using Condense.Data;
using Condense.LowRank;
using Condense.Models;
using Spectre.Console;

using Condense.Cli.Reports;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense study rank</c>: trains the baseline, L2-penalty and L1-penalty classifiers
/// (<see cref="RankStudyConfig.Defaults"/>) and records test loss, accuracy and the effective rank of
/// the 1000×1000 fc2 every epoch; then sweeps the baseline's fc2 over ranks (accuracy against r) and
/// compares factorised training with SVD-after-training at equal parameter count.
/// </summary>
public static class StudyRankCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Comma-separated data sets: mnist10k, fashion, or 'all' (mnist10k, and fashion when installed)", DefaultValueFactory = _ => DataSets.Mnist10k };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs for every recipe (default: baseline 5, L2 20, L1 10)" };
        var seed = new Option<long>("--seed") { Description = "Seed of every training run", DefaultValueFactory = _ => 0 };
        var sweepRanks = new Option<string>("--sweep-ranks") { Description = "Ranks at which the baseline's fc2 is truncated", DefaultValueFactory = _ => "10,25,50,75,100,150,200,400" };
        var factorizedRank = new Option<int>("--factorized-rank") { Description = "Also train fc2 as U·V of this rank from the start and compare with SVD after training (0: skip)", DefaultValueFactory = _ => 50 };
        var plot = new Option<string?>("--plot") { Description = "Write effective rank per epoch to this PNG (and NAME-accuracy.png, NAME-spectrum.png beside it)" };
        var save = new Option<string?>("--save") { Description = "Folder to save the trained models in (safetensors)" };
        var recipes = new Option<string>("--recipes") { Description = "Comma-separated subset of baseline, L2, L1 to train (e.g. to run recipes as separate processes)", DefaultValueFactory = _ => "baseline,L2,L1" };
        var baselineFile = new Option<string?>("--baseline") { Description = "A saved baseline model (from --save) to sweep and compare with, when 'baseline' is not among --recipes" };
        var trainItems = new Option<int?>("--train-items") { Description = "Train on the first N training items only (quick runs)" };
        var json = CliConsole.JsonOption();
        var command = new Command("rank", "Effective rank of fc2 under L1/L2 penalties; accuracy against rank; factorised training.")
        {
            data, epochs, seed, sweepRanks, factorizedRank, plot, save, recipes, baselineFile, trainItems, json,
        };
        command.SetAction(parse =>
        {
            var all = RankStudyConfig.Defaults(parse.GetValue(epochs), parse.GetValue(seed));
            var wanted = parse.GetValue(recipes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var w in wanted)
                if (!all.Any(c => string.Equals(c.Name, w, StringComparison.OrdinalIgnoreCase)))
                    throw new CondenseException($"--recipes: unknown recipe '{w}' (known: {string.Join(", ", all.Select(c => c.Name))})");
            var configs = all.Where(c => wanted.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).ToList();
            var baselinePath = parse.GetValue(baselineFile);
            var ranks = OptionValues.ParseRanks(parse.GetValue(sweepRanks)!);
            var factorized = parse.GetValue(factorizedRank);
            if (factorized < 0 || factorized > 1000) throw new CondenseException($"--factorized-rank {factorized} must be in 0–1000");
            var names = DataNames(parse.GetValue(data)!);
            var asJson = parse.GetValue(json);
            var console = CliConsole.For(parse);
            var plotPath = parse.GetValue(plot);
            var saveDir = parse.GetValue(save);
            var reports = new List<object>();
            foreach (var name in names)
            {
                var (train, test) = DataSets.Load(name);
                if (parse.GetValue(trainItems) is { } items)
                    train = items >= 1 ? train.Take(items) : throw new CondenseException($"--train-items {items} must be at least 1");
                var runs = new List<RankStudyRun>();
                CondenseModel? loaded = null;
                try
                {
                    foreach (var config in configs)
                    {
                        if (!asJson) console.WriteLine($"[{name}] training {config.Name} ({config.Description}, {config.Training.Epochs} epochs)");
                        var run = RankStudy.Train(config, train, test, "fc2", e =>
                        {
                            if (!asJson) console.WriteLine($"  epoch {e.Epoch}: test loss {e.TestLoss:F4}, accuracy {e.TestAccuracy:P2}, fc2 effective rank {e.EffectiveRank:F1} ({e.Seconds:F1} s)");
                        });
                        runs.Add(run);
                        if (saveDir is not null)
                            ModelFile.Save(Path.Combine(saveDir, $"rank-study-{name}-{config.Name}.safetensors"), run.Model,
                                new ModelCard(name, config.Training, Evaluator.Evaluate(run.Model, test)));
                    }
                    CondenseModel? baselineModel = runs.FirstOrDefault(r => r.Config.Name == "baseline")?.Model;
                    if (baselineModel is null && baselinePath is not null) baselineModel = loaded = ModelFile.Load(baselinePath).Model;
                    var baselineConfig = all[0];
                    var sweep = baselineModel is null ? null : RankSweep.Run(baselineModel, "fc2", ranks.Where(r => r <= 1000).ToArray(), test);
                    object? factorizedReport = null;
                    if (factorized > 0 && baselineModel is not null)
                    {
                        if (!asJson) console.WriteLine($"[{name}] training baseline recipe with fc2 = U·V of rank {factorized} from the start");
                        var (model, result) = RankStudy.TrainFactorized(baselineConfig, factorized, train, test, m =>
                        {
                            if (!asJson) console.WriteLine($"  epoch {m.Epoch}: test loss {m.TestLoss:F4}, accuracy {m.TestAccuracy:P2} ({m.Seconds:F1} s)");
                        });
                        using (model)
                        {
                            var svdAfter = RankSweep.Run(baselineModel, "fc2", [factorized], test).Points[0];
                            factorizedReport = new
                            {
                                rank = factorized,
                                fc2_parameters = LowRankLinear.ParameterCountFor(1000, 1000, factorized, hasBias: true),
                                factorized_accuracy = result.Final.Accuracy, factorized_loss = result.Final.Loss,
                                svd_after_training_accuracy = svdAfter.TestAccuracy, svd_after_training_loss = svdAfter.TestLoss,
                                full_accuracy = sweep!.FullAccuracy,
                            };
                        }
                    }
                    if (plotPath is not null)
                    {
                        var stem = names.Count > 1 ? LowRankPlots.Sibling(plotPath, name) : plotPath;
                        LowRankPlots.Lines(stem, runs.Select(r => (r.Config.Name, r.Epochs.Select(e => (double)e.Epoch).ToArray(), r.Epochs.Select(e => e.EffectiveRank).ToArray())).ToList(),
                            "epoch", "effective rank of fc2", $"{name}: effective rank of fc2 (1000×1000) per epoch");
                        if (sweep is not null) LowRankPlots.AccuracyAndError(LowRankPlots.Sibling(stem, "accuracy"), sweep, $"{name}: baseline fc2 truncated to rank r");
                        LowRankPlots.Spectrum(LowRankPlots.Sibling(stem, "spectrum"),
                            runs.Select(r => ($"{r.Config.Name} (effective rank {r.Final.EffectiveRank:F1})", (IReadOnlyList<double>)TruncatedSvd.SingularValues(RankSweep.FindLayer(r.Model, "fc2").weight!.detach()))).ToList(),
                            $"{name}: singular values of fc2");
                    }
                    var report = new
                    {
                        data = name,
                        runs = runs.Select(r => new
                        {
                            name = r.Config.Name, description = r.Config.Description, epochs = r.Epochs,
                            test_loss = r.Final.TestLoss, test_accuracy = r.Final.TestAccuracy, effective_rank = r.Final.EffectiveRank,
                        }).ToArray(),
                        ordered_l1_l2_baseline = runs.Count == 3 && runs[2].Final.EffectiveRank < runs[1].Final.EffectiveRank && runs[1].Final.EffectiveRank < runs[0].Final.EffectiveRank,
                        baseline_sweep = sweep is null ? null : new { full_accuracy = sweep.FullAccuracy, points = sweep.Points, smallest_rank_within_half_point = sweep.SmallestRankWithin(0.5) },
                        factorized = factorizedReport,
                    };
                    reports.Add(report);
                    if (!asJson)
                    {
                        var table = new Table().Title($"{name}: fc2 (1000×1000) after training").AddColumns("recipe", "settings", "epochs", "test loss", "test accuracy", "effective rank");
                        foreach (var r in runs)
                            table.AddRow(r.Config.Name, r.Config.Description, r.Epochs.Count.ToString(CultureInfo.InvariantCulture),
                                r.Final.TestLoss.ToString("F4", CultureInfo.InvariantCulture), (r.Final.TestAccuracy ?? 0).ToString("P2", CultureInfo.InvariantCulture),
                                r.Final.EffectiveRank.ToString("F1", CultureInfo.InvariantCulture));
                        console.Write(table);
                        console.WriteLine($"effective rank ordered L1 < L2 < baseline: {(report.ordered_l1_l2_baseline ? "yes" : "no")}");
                        if (sweep is not null)
                        {
                            console.Write(RankSweepView.Table(sweep).Title($"{name}: baseline fc2 truncated to rank r (full {sweep.FullAccuracy:P2})"));
                            console.WriteLine(sweep.SmallestRankWithin(0.5) is { } within
                                ? $"smallest rank within 0.5 points of the full model: {within}"
                                : "no swept rank is within 0.5 points of the full model");
                        }
                        if (factorizedReport is not null) console.WriteLine($"factorised training vs SVD after training: {System.Text.Json.JsonSerializer.Serialize(factorizedReport)}");
                    }
                }
                finally
                {
                    foreach (var r in runs) r.Model.Dispose();
                    if (loaded is not null) loaded.Dispose();
                }
            }
            if (asJson) CliConsole.WriteJson(parse, new { study = "rank", reports });
            return 0;
        });
        return command;
    }

    static List<string> DataNames(string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (names.Count == 1 && names[0] == "all")
            names = DataSets.FashionAvailable ? [DataSets.Mnist10k, DataSets.Fashion] : [DataSets.Mnist10k];
        foreach (var n in names)
            if (!DataSets.Names.Contains(n)) throw new CondenseException($"--data: unknown data set '{n}' (known: {string.Join(", ", DataSets.Names)}, all)");
        return names;
    }
}
