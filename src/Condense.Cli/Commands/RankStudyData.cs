using Condense.Cli.Reports;
using Condense.Data;
using Condense.LowRank;
using Condense.Models;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense study rank</c> on one data set: trains the recipes, sweeps the baseline's fc2 over
/// ranks, compares factorised training with SVD after training, saves models and plots when
/// asked, and returns the data set's <see cref="RankStudyDataReport"/> (and the sweep, for the table). Progress lines go to
/// the progress console (null: quiet, for --json).
/// </summary>
static class RankStudyData
{
    /// <summary>What the command parsed, shared by every data set.</summary>
    public sealed record Settings(IReadOnlyList<RankStudyConfig> All, IReadOnlyList<RankStudyConfig> Configs, string? BaselinePath, int[] Ranks,
        int FactorizedRank, string? PlotPath, string? SaveDir, int? TrainItems, bool SeveralDataSets);

    public static (RankStudyDataReport Report, RankSweepResult? Sweep) Run(string name, Settings s, IAnsiConsole? progress)
    {
        var (train, test) = DataSets.Load(name);
        if (s.TrainItems is { } items)
            train = items >= 1 ? train.Take(items) : throw new CondenseException($"--train-items {items} must be at least 1");
        var runs = new List<RankStudyRun>();
        CondenseModel? loaded = null;
        try
        {
            foreach (var config in s.Configs)
            {
                progress?.WriteLine($"[{name}] training {config.Name} ({config.Description}, {config.Training.Epochs} epochs)");
                var run = RankStudy.Train(config, train, test, "fc2", e =>
                    progress?.WriteLine($"  epoch {e.Epoch}: test loss {e.TestLoss:F4}, accuracy {e.TestAccuracy:P2}, fc2 effective rank {e.EffectiveRank:F1} ({e.Seconds:F1} s)"));
                runs.Add(run);
                if (s.SaveDir is not null)
                    ModelFile.Save(Path.Combine(s.SaveDir, $"rank-study-{name}-{config.Name}.safetensors"), run.Model,
                        new ModelCard(name, config.Training, Evaluator.Evaluate(run.Model, test)));
            }
            CondenseModel? baselineModel = runs.FirstOrDefault(r => r.Config.Name == "baseline")?.Model;
            if (baselineModel is null && s.BaselinePath is not null) baselineModel = loaded = ModelFile.Load(s.BaselinePath).Model;
            var sweep = baselineModel is null ? null : RankSweep.Run(baselineModel, "fc2", s.Ranks.Where(r => r <= 1000).ToArray(), test);
            RankStudyFactorizedReport? factorized = null;
            if (s.FactorizedRank > 0 && baselineModel is not null)
                factorized = Factorized(name, s, s.All[0], baselineModel, sweep!, train, test, progress);
            if (s.PlotPath is not null) Plot(name, s, runs, sweep);
            var report = new RankStudyDataReport(name,
                runs.Select(r => new RankStudyRecipeReport(r.Config.Name, r.Config.Description, r.Epochs, r.Final.TestLoss, r.Final.TestAccuracy, r.Final.EffectiveRank)).ToArray(),
                runs.Count == 3 && runs[2].Final.EffectiveRank < runs[1].Final.EffectiveRank && runs[1].Final.EffectiveRank < runs[0].Final.EffectiveRank,
                sweep is null ? null : new RankStudySweepReport(sweep.FullAccuracy, sweep.Points, sweep.SmallestRankWithin(0.5)),
                factorized);
            return (report, sweep);
        }
        finally
        {
            foreach (var r in runs) r.Model.Dispose();
            if (loaded is not null) loaded.Dispose();
        }
    }

    static RankStudyFactorizedReport Factorized(string name, Settings s, RankStudyConfig baselineConfig, CondenseModel baselineModel, RankSweepResult sweep,
        Dataset train, Dataset test, IAnsiConsole? progress)
    {
        var rank = s.FactorizedRank;
        progress?.WriteLine($"[{name}] training baseline recipe with fc2 = U·V of rank {rank} from the start");
        var (model, result) = RankStudy.TrainFactorized(baselineConfig, rank, train, test, m =>
            progress?.WriteLine($"  epoch {m.Epoch}: test loss {m.TestLoss:F4}, accuracy {m.TestAccuracy:P2} ({m.Seconds:F1} s)"));
        using (model)
        {
            var svdAfter = RankSweep.Run(baselineModel, "fc2", [rank], test).Points[0];
            return new RankStudyFactorizedReport(rank, LowRankLinear.ParameterCountFor(1000, 1000, rank, hasBias: true),
                result.Final.Accuracy, result.Final.Loss, svdAfter.TestAccuracy, svdAfter.TestLoss, sweep.FullAccuracy);
        }
    }

    static void Plot(string name, Settings s, List<RankStudyRun> runs, RankSweepResult? sweep)
    {
        var stem = s.SeveralDataSets ? LowRankPlots.Sibling(s.PlotPath!, name) : s.PlotPath!;
        LowRankPlots.Lines(stem, runs.Select(r => (r.Config.Name, r.Epochs.Select(e => (double)e.Epoch).ToArray(), r.Epochs.Select(e => e.EffectiveRank).ToArray())).ToList(),
            "epoch", "effective rank of fc2", $"{name}: effective rank of fc2 (1000×1000) per epoch");
        if (sweep is not null) LowRankPlots.AccuracyAndError(LowRankPlots.Sibling(stem, "accuracy"), sweep, $"{name}: baseline fc2 truncated to rank r");
        LowRankPlots.Spectrum(LowRankPlots.Sibling(stem, "spectrum"),
            runs.Select(r => ($"{r.Config.Name} (effective rank {r.Final.EffectiveRank:F1})", (IReadOnlyList<double>)TruncatedSvd.SingularValues(RankSweep.FindLayer(r.Model, "fc2").weight!.detach()))).ToList(),
            $"{name}: singular values of fc2");
    }
}
