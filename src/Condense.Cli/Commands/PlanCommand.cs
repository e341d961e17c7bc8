using System.CommandLine;
using Condense.Data;
using Condense.DeepCompression;
using Condense.Models;
using Condense.Planning;
using Spectre.Console;
using static TorchSharp.torch;

namespace Condense.Cli.Commands;

/// <summary><c>condense plan</c>: choose per-layer pruning and weight-sharing settings that meet a size budget with the least predicted accuracy loss; apply, fine-tune, and compare with the best uniform setting.</summary>
public static class PlanCommand
{
    /// <summary>Bytes kept back from the budget when planning: fine-tuning shifts the Huffman statistics a little.</summary>
    const double Margin = 0.97;

    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "An ONNX model, or a classifier written by 'condense train' (.safetensors); recognised by content" };
        var size = new Option<string?>("--target-size") { Description = "Budget for the container, e.g. 50KB, 180000, 1.5MB" };
        var ratio = new Option<double?>("--target-times-smaller") { Description = "Budget as float32 bytes ÷ container bytes (how many times smaller), e.g. 40" };
        var maxDrop = new Option<double?>("--max-accuracy-drop") { Description = "Accuracy loss (points) the final model may have; reported as met or not" };
        var calibration = new Option<int>("--calibration") { Description = "Training images held back to measure sensitivity", DefaultValueFactory = _ => 1000 };
        var pruneSteps = new Option<int>("--prune-steps") { Description = "Pruning steps when applying", DefaultValueFactory = _ => 2 };
        var pruneEpochs = new Option<int>("--prune-epochs") { Description = "Retraining epochs after each pruning step", DefaultValueFactory = _ => 1 };
        var shareEpochs = new Option<int>("--share-epochs") { Description = "Centroid fine-tuning epochs", DefaultValueFactory = _ => 1 };
        var noUniform = new Option<bool>("--no-uniform") { Description = "Skip applying the uniform baseline" };
        var json = CliConsole.JsonOption();
        var command = new Command("plan", "Meet a size budget with per-layer pruning + weight sharing chosen by measured sensitivity.")
        {
            model, size, ratio, maxDrop, calibration, pruneSteps, pruneEpochs, shareEpochs, noUniform, json,
        };
        PlanOnnx.Add(command);
        command.SetAction(parse =>
        {
            if (Formats.Onnx.OnnxSniffer.LooksLikeOnnx(parse.GetValue(model)!)) return PlanOnnx.Run(parse, parse.GetValue(model)!, parse.GetValue(json));
            var sizeText = parse.GetValue(size);
            var ratioValue = parse.GetValue(ratio);
            if ((sizeText is null) == (ratioValue is null)) throw new CondenseException("plan: give exactly one of --target-size and --target-times-smaller");
            var budget = sizeText is not null ? SizeBudget.ParseSize(sizeText) : SizeBudget.FromTimesSmaller(ratioValue!.Value);
            var calibrationCount = parse.GetValue(calibration);
            var path = parse.GetValue(model)!;
            var (net, card) = ModelFile.Load(path);
            using var _ = net;
            if (!net.IsClassifier) throw new CondenseException($"{path}: planning needs a classifier, not {net.Kind}");
            var dataName = parse.GetValue<string>("--data") ?? card.DataSet ?? DataSets.Mnist10k;
            var (fullTrain, test) = DataSets.Load(dataName);
            if (calibrationCount < 100 || calibrationCount > fullTrain.Count / 2)
                throw new CondenseException($"calibration {calibrationCount} must be in 100–{fullTrain.Count / 2}");
            var (train, calib) = Split(fullTrain, calibrationCount);
            var denseBytes = 4 * net.ParameterCount;
            var budgetBytes = budget.BytesFor(denseBytes);
            var asJson = parse.GetValue(json);
            var console = CliConsole.For(parse);
            Action<string>? progress = asJson ? null : console.WriteLine;

            var report = SensitivityAnalysis.Measure(net, calib, LayerSetting.DefaultGrid, progress: progress);
            var smallest = CompressionPlanner.SmallestReachable(report);
            if (smallest > budgetBytes)
                throw new CondenseException($"target {budget} ({budgetBytes:N0} bytes) cannot be met: the smallest reachable is {smallest:N0} bytes ({(double)denseBytes / smallest:F0}×)");
            var planBudget = (long)(budgetBytes * Margin);
            var plans = new List<CompressionPlan> { CompressionPlanner.Plan(report, planBudget) };
            if (!parse.GetValue(noUniform)) plans.Add(CompressionPlanner.Uniform(report, planBudget));

            var denseTest = Evaluator.Evaluate(net, test).Accuracy ?? double.NaN;
            var outcomes = new List<object>();
            var rows = new List<(CompressionPlan Plan, double OneShot, DeepCompressionResult Result)>();
            foreach (var plan in plans)
            {
                var (copy, _) = ModelFile.Load(path);
                using var __ = copy;
                var oneShot = OneShot(copy, plan, calib);
                progress?.Invoke($"applying the {plan.Name} plan: {string.Join(", ", plan.Layers.Select(l => $"{l.Layer} {l.Setting}"))}");
                var (fresh, ___) = ModelFile.Load(path);
                using var ____ = fresh;
                var options = new DeepCompressionOptions
                {
                    Sparsity = plan.Layers.Select(l => l.Setting.Sparsity).ToArray(),
                    Bits = plan.Layers.Select(l => l.Setting.Bits).ToArray(),
                    PruneSteps = parse.GetValue(pruneSteps), PruneEpochs = parse.GetValue(pruneEpochs), ShareEpochs = parse.GetValue(shareEpochs),
                };
                var result = DeepCompressionPipeline.Run(fresh, train, test, options, progress);
                rows.Add((plan, oneShot, result));
            }
            var limit = parse.GetValue(maxDrop);
            var summary = rows.Select(r => new
            {
                plan = r.Plan.Name,
                layers = r.Plan.Layers.Select(l => new { l.Layer, sparsity = l.Setting.Sparsity, bits = l.Setting.Bits, predictedBytes = l.Bytes, l.AccuracyDrop, l.Bound }),
                predictedBytes = r.Plan.PredictedBytes,
                predictedAccuracy = r.Plan.PredictedAccuracy,
                oneShotAccuracy = r.OneShot,
                bytes = r.Result.Final.Bytes,
                timesSmaller = r.Result.Final.TimesSmaller,
                meetsBudget = r.Result.Final.Bytes <= budgetBytes,
                stages = r.Result.Stages,
                accuracy = r.Result.Final.Accuracy,
                drop = denseTest - r.Result.Final.Accuracy,
                meetsAccuracyLimit = limit is { } m ? 100 * (denseTest - r.Result.Final.Accuracy) <= m : (bool?)null,
            }).ToArray();
            if (asJson)
            {
                CliConsole.WriteJson(parse, new
                {
                    model = path, data = dataName, budgetBytes, denseBytes, calibrationAccuracy = report.BaseAccuracy, denseTestAccuracy = denseTest,
                    boundSpearman = report.BoundSpearman, smallestReachable = smallest, candidates = report.Candidates, plans = summary,
                });
                return 0;
            }
            var table = new Table().AddColumns("plan", "layers", "predicted bytes", "bytes", "× smaller", "predicted acc. (calib.)", "one-shot acc. (calib.)", "fine-tuned acc. (test)", "drop (points)");
            foreach (var r in rows)
                table.AddRow(r.Plan.Name, Markup.Escape(string.Join("; ", r.Plan.Layers.Select(l => $"{l.Layer} {l.Setting}"))), r.Plan.PredictedBytes.ToString("N0"),
                    r.Result.Final.Bytes.ToString("N0"), $"{r.Result.Final.TimesSmaller:F1}×", r.Plan.PredictedAccuracy.ToString("P2"), r.OneShot.ToString("P2"),
                    r.Result.Final.Accuracy.ToString("P2"), (100 * (denseTest - r.Result.Final.Accuracy)).ToString("F2"));
            console.Write(table);
            console.WriteLine($"Budget {budgetBytes:N0} bytes ({(double)denseBytes / budgetBytes:F1}× of {denseBytes:N0}); dense test accuracy {denseTest:P2}.");
            console.WriteLine($"cond₁ bound as a predictor of a setting's accuracy cost: Spearman ρ = {report.BoundSpearman:F2} over {report.Candidates.Count} layer × setting trials.");
            if (limit is { } lim)
                foreach (var s in summary) console.WriteLine($"{s.plan}: accuracy drop {100 * s.drop:F2} points {(s.meetsAccuracyLimit == true ? "within" : "OVER")} the {lim} limit.");
            return 0;
        });
        return command;
    }

    /// <summary>Every layer compressed by the plan at once, no retraining: tests the additivity the planner assumes.</summary>
    static double OneShot(CondenseModel model, CompressionPlan plan, Dataset calibration)
    {
        for (var l = 0; l < model.Layers.Count; l++)
        {
            var w = model.Layers[l].Layer.weight!;
            var (q, _, _) = SensitivityAnalysis.Compress(w.detach().contiguous().data<float>().ToArray(), w.shape, plan.Layers[l].Setting, 0);
            using var _ = no_grad();
            using var t = tensor(q, w.shape);
            w.copy_(t);
        }
        return Evaluator.Evaluate(model, calibration).Accuracy ?? double.NaN;
    }

    /// <summary>The first count − n images for training, the last n for calibration.</summary>
    static (Dataset Train, Dataset Calibration) Split(Dataset data, int n)
    {
        var keep = data.Count - n;
        var f = data.Features;
        return (new Dataset(data.Name, data.Pixels[..(keep * f)], data.Labels[..keep], data.Height, data.Width, data.Classes),
            new Dataset(data.Name + "/calibration", data.Pixels[(keep * f)..], data.Labels[keep..], data.Height, data.Width, data.Classes));
    }
}
