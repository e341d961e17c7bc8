using Condense.Data;
using Condense.Models;
using Spectre.Console;

namespace Condense.Cli.Reports;

/// <summary>Training with progress on the console and its per-epoch table (<c>train</c>, the demo, the studies).</summary>
public static class TrainingView
{
    /// <summary>Trains with a Spectre progress bar (one task per epoch) when the console is interactive.</summary>
    public static TrainingResult TrainWithProgress(IAnsiConsole console, CondenseModel net, Dataset train, Dataset test, TrainingOptions options, bool quiet = false, TrainingHooks? hooks = null) =>
        WithProgress(console, $"training {net.GetName()}", options.Epochs, h => Trainer.Train(net, train, test, options, h), quiet, hooks);

    /// <summary>
    /// Runs <paramref name="train"/> (a training run of <paramref name="epochs"/> epochs that takes progress hooks) with a
    /// Spectre progress bar labelled <paramref name="label"/> when the console is interactive, else a line per epoch
    /// (nothing when <paramref name="quiet"/>); <paramref name="hooks"/> are called as well. Fits <see cref="Workflows.TrainingRun"/>.
    /// </summary>
    public static TrainingResult WithProgress(IAnsiConsole console, string label, int epochs, Func<TrainingHooks, TrainingResult> train, bool quiet = false, TrainingHooks? hooks = null)
    {
        hooks ??= new TrainingHooks();
        if (quiet || !console.Profile.Capabilities.Interactive)
        {
            return train(new TrainingHooks
            {
                Loss = hooks.Loss, AfterBackward = hooks.AfterBackward, AfterStep = hooks.AfterStep, OnBatch = hooks.OnBatch,
                OnEpoch = (m, model) =>
                {
                    hooks.OnEpoch?.Invoke(m, model);
                    if (!quiet) console.WriteLine($"epoch {m.Epoch}/{epochs}: train loss {m.TrainLoss:F4}, test {(m.TestAccuracy is { } a ? $"accuracy {a:P2}" : $"MSE {m.TestLoss:F5}")}, {m.Seconds:F2} s");
                },
            });
        }
        TrainingResult? result = null;
        console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(label, maxValue: epochs);
                result = train(new TrainingHooks
                {
                    Loss = hooks.Loss, AfterBackward = hooks.AfterBackward, AfterStep = hooks.AfterStep,
                    OnBatch = (b, n, e) => { hooks.OnBatch?.Invoke(b, n, e); task.Value = e - 1 + (double)b / n; },
                    OnEpoch = (m, model) => { hooks.OnEpoch?.Invoke(m, model); task.Value = m.Epoch; },
                });
            });
        return result!;
    }

    public static Table EpochTable(IReadOnlyList<EpochMetrics> epochs, bool classifier)
    {
        var table = new Table().AddColumns("epoch", "train loss", classifier ? "test loss" : "test MSE", classifier ? "test accuracy" : "", "lr", "seconds");
        foreach (var e in epochs)
        {
            table.AddRow(e.Epoch.ToString(), e.TrainLoss.ToString("F4"), e.TestLoss.ToString(classifier ? "F4" : "F5"),
                e.TestAccuracy is { } a ? a.ToString("P2") : "", e.LearningRate.ToString("G3"), e.Seconds.ToString("F2"));
        }
        return table;
    }
}
