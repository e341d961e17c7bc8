using System.CommandLine;
using System.Globalization;
using Condense.Cli.Reports;
using Condense.Data;
using Condense.LowRank;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense study rank</c>: trains the baseline, L2-penalty and L1-penalty classifiers
/// (<see cref="RankStudyConfig.Defaults"/>) and records test loss, accuracy and the effective rank of
/// the 1000×1000 fc2 every epoch; then sweeps the baseline's fc2 over ranks (accuracy against r) and
/// compares factorised training with SVD-after-training at equal parameter count
/// (<see cref="RankStudyData"/>, per data set).
/// </summary>
public static class StudyRankCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Comma-separated data sets: mnist10k, fashion, or 'all' (mnist10k, and fashion when installed)", DefaultValueFactory = _ => DataSets.Mnist10k };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs for every recipe (default: baseline 5, L2 20, L1 10)" };
        var seed = new Option<int>("--seed") { Description = "Seed of every training run", DefaultValueFactory = _ => 0 };
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
            var factorized = parse.GetValue(factorizedRank);
            if (factorized < 0 || factorized > 1000) throw new CondenseException($"--factorized-rank {factorized} must be in 0–1000");
            var names = DataNames(parse.GetValue(data)!);
            var settings = new RankStudyData.Settings(all, all.Where(c => wanted.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).ToList(),
                parse.GetValue(baselineFile), OptionValues.ParseRanks(parse.GetValue(sweepRanks)!), factorized,
                parse.GetValue(plot), parse.GetValue(save), parse.GetValue(trainItems), names.Count > 1);
            var asJson = parse.GetValue(json);
            var console = CliConsole.For(parse);
            var reports = new List<RankStudyDataReport>();
            foreach (var name in names)
            {
                var (report, sweep) = RankStudyData.Run(name, settings, asJson ? null : console);
                reports.Add(report);
                if (!asJson) Print(console, report, sweep);
            }
            if (asJson) CliConsole.WriteReport(parse, new RankStudyReport("rank", reports));
            return 0;
        });
        return command;
    }

    static void Print(IAnsiConsole console, RankStudyDataReport report, RankSweepResult? sweep)
    {
        var table = new Table().Title($"{report.Data}: fc2 (1000×1000) after training").AddColumns("recipe", "settings", "epochs", "test loss", "test accuracy", "effective rank");
        foreach (var r in report.Runs)
            table.AddRow(r.Name, r.Description, r.Epochs.Count.ToString(CultureInfo.InvariantCulture),
                r.TestLoss.ToString("F4", CultureInfo.InvariantCulture), (r.TestAccuracy ?? 0).ToString("P2", CultureInfo.InvariantCulture),
                r.EffectiveRank.ToString("F1", CultureInfo.InvariantCulture));
        console.Write(table);
        console.WriteLine($"effective rank ordered L1 < L2 < baseline: {(report.OrderedL1L2Baseline ? "yes" : "no")}");
        if (sweep is not null)
        {
            console.Write(RankSweepView.Table(sweep).Title($"{report.Data}: baseline fc2 truncated to rank r (full {sweep.FullAccuracy:P2})"));
            console.WriteLine(sweep.SmallestRankWithin(0.5) is { } within
                ? $"smallest rank within 0.5 points of the full model: {within}"
                : "no swept rank is within 0.5 points of the full model");
        }
        if (report.Factorized is { } f)
            console.WriteLine($"factorised training vs SVD after training at rank {f.Rank} ({f.Fc2Parameters} fc2 parameters): accuracy {f.FactorizedAccuracy:P2} vs {f.SvdAfterTrainingAccuracy:P2} (full {f.FullAccuracy:P2})");
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
