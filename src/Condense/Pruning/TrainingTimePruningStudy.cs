using System.Diagnostics;
using Condense.Data;
using Condense.Models;

namespace Condense.Pruning;

/// <summary>
/// The two methods that prune while training, each against the control its paper uses.
/// <see cref="GradualVersusOneShot"/>: Zhu &amp; Gupta's AGP against one-shot magnitude pruning
/// and fine-tuning with the same epochs; <see cref="VariationalDropoutVersusDense"/>: sparse VD
/// against the same network trained densely for the same total epochs.
/// </summary>
internal static class TrainingTimePruningStudy
{
    /// <summary>
    /// One dense model (Training epochs); at each sparsity, from copies of it: layer-wise magnitude
    /// at once + FineTuning epochs, and AGP over the same FineTuning epochs (ramp over the first <see cref="SurveyStudyOptions.AgpRampShare"/>).
    /// A third point prunes with AGP during training from the initialisation, over Training + FineTuning epochs.
    /// </summary>
    public static SurveyStudyResult GradualVersusOneShot(Dataset train, Dataset test, SurveyStudyOptions options, Action<string>? progress = null, SurveyModelSink? sink = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        train = options.Limit(train);
        var batches = (train.Count + options.FineTuning.BatchSize - 1) / options.FineTuning.BatchSize;
        var total = options.Training.Epochs + options.FineTuning.Epochs;
        using var dense = options.Create(options.Seed);
        progress?.Invoke($"training the dense {options.Model} ({options.Training.Epochs} epochs on {train.Count} examples)");
        var denseAccuracy = Trainer.Train(dense, train, test, options.Training with { Seed = options.Seed }).Final.Accuracy ?? 0;
        var weights = ModelFile.Weights(dense);
        var tuning = options.FineTuning with { Seed = options.Seed };
        var points = new List<SurveyPoint>();
        void Add(string method, double s, double accuracy, MlpModel m, int epochs)
        {
            var p = new SurveyPoint(method, s, accuracy, 1 - Prune.Sparsity(m), string.Join("-", m.Sizes), epochs);
            points.Add(p);
            sink?.Invoke(p, m);
            progress?.Invoke($"{method,-20} {s,5:P0}: accuracy {accuracy:P2} (sparsity {Prune.Sparsity(m):P2})");
        }
        foreach (var s in options.Sparsities)
        {
            using (var net = Copy(options, weights))
            {
                ModelPruner.Apply(net, new ModelPruningOptions { Criterion = PruningCriterion.Magnitude, Sparsity = s, Seed = options.Seed });
                Add("one-shot", s, Prune.FineTune(net, train, test, tuning).Final.Accuracy ?? 0, net, total);
            }
            using (var net = Copy(options, weights))
            {
                var schedule = GradualPruningSchedule.ForTraining(s, tuning.Epochs, batches, options.AgpRampShare);
                Add("agp", s, GradualPruning.Train(net, train, test, tuning, schedule).Final.Accuracy ?? 0, net, total);
            }
            using (var net = options.Create(options.Seed))
            {
                var during = options.Training with { Epochs = total, Seed = options.Seed };
                var schedule = GradualPruningSchedule.ForTraining(s, total, batches, Math.Min(options.AgpRampShare, 0.8), startShare: 0.2);
                Add("agp from init", s, GradualPruning.Train(net, train, test, during, schedule).Final.Accuracy ?? 0, net, total);
            }
        }
        var findings = options.Sparsities.Select(s =>
        {
            double A(string m) => points.First(p => p.Method == m && p.Sparsity == s).Accuracy;
            return $"{s:P0}: AGP {A("agp"):P2} vs one-shot + fine-tuning {A("one-shot"):P2} ({(A("agp") >= A("one-shot") ? "AGP ≥ one-shot" : "one-shot ahead")}); AGP from init {A("agp from init"):P2}; dense {denseAccuracy:P2}";
        }).ToArray();
        return new SurveyStudyResult("agp", options.Model.ToString(), test.Name, denseAccuracy, options.Training.Epochs, points, findings, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Dense training for Training + VD (+ VD fine-tuning) epochs, whose weights after Training epochs start sparse VD
    /// for the VD options' epochs (then, when set, the mask-fixed fine-tuning); the dense model at the end is the
    /// baseline with the same total epochs.
    /// </summary>
    public static SurveyStudyResult VariationalDropoutVersusDense(Dataset train, Dataset test, SurveyStudyOptions options, VariationalDropoutOptions vd, Action<string>? progress = null, SurveyModelSink? sink = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        vd.RequireAnnealingWithinTraining();
        var clock = Stopwatch.StartNew();
        train = options.Limit(train);
        var total = options.Training.Epochs + vd.Training.Epochs + (vd.FineTuning?.Epochs ?? 0);
        using var dense = options.Create(options.Seed);
        IReadOnlyList<Formats.NamedTensor>? start = null;
        progress?.Invoke($"training the dense {options.Model} ({total} epochs on {train.Count} examples; sparse VD starts from epoch {options.Training.Epochs})");
        var denseAccuracy = Trainer.Train(dense, train, test, options.Training with { Epochs = total, Seed = options.Seed }, new TrainingHooks
        {
            OnEpoch = (m, net) => { if (m.Epoch == options.Training.Epochs) start = ModelFile.Weights(net); },
        }).Final.Accuracy ?? 0;
        using var from = Copy(options, start!);
        if (vd.Groups == VariationalGroups.Neurons) return GroupVersusDense(from, train, test, options, vd, denseAccuracy, total, clock, progress, sink);
        var result = SparseVariationalDropout.Run(from, train, test, vd with { Training = vd.Training with { Seed = options.Seed }, FineTuning = vd.FineTuning is { } f ? f with { Seed = options.Seed } : null },
            (m, s) => progress?.Invoke($"sparse VD epoch {m.Epoch}/{total - options.Training.Epochs}{(m.Epoch > vd.Training.Epochs ? " (mask fixed)" : "")}: accuracy {m.TestAccuracy:P2}, sparsity {s:P2}"));
        using var model = result.Model;
        var p = new SurveyPoint("variational-dropout", result.Sparsity, result.Test.Accuracy ?? 0, 1 - result.Sparsity, string.Join("-", model.Sizes), total);
        sink?.Invoke(p, model);
        var loss = (denseAccuracy - p.Accuracy) * 100;
        string[] findings =
        [
            $"sparse VD: {result.Sparsity:P2} of weights removed ({string.Join(", ", result.Layers.Select(l => $"{l.Name} {1 - l.Density:P1}"))}), accuracy {p.Accuracy:P2} vs dense {denseAccuracy:P2} after {total} epochs: {loss:F2} points lost"
                + (vd.FineTuning is { } ft ? $" ({result.AccuracyBeforeFineTuning:P2} after VD, before {ft.Epochs} mask-fixed fine-tuning epochs)" : "")
                + (vd.TargetSparsity is { } target ? $"; pruned to {target:P1} by log α ranking (log α > {result.LogAlphaThreshold:F3})" : ""),
            $"acceptance (≥ 95 % removed at ≤ 0.5 points lost): {(result.Sparsity >= 0.95 && loss <= 0.5 ? "met" : "not met")}",
        ];
        return new SurveyStudyResult("variational-dropout", options.Model.ToString(), test.Name, denseAccuracy, total, [p], findings, clock.Elapsed.TotalSeconds);
    }

    static SurveyStudyResult GroupVersusDense(MlpModel from, Dataset train, Dataset test, SurveyStudyOptions options, VariationalDropoutOptions vd, double denseAccuracy, int total,
        Stopwatch clock, Action<string>? progress, SurveyModelSink? sink)
    {
        var result = GroupVariationalDropout.Run(from, train, test, vd with { Training = vd.Training with { Seed = options.Seed }, FineTuning = vd.FineTuning is { } f ? f with { Seed = options.Seed } : null },
            (m, kept) => progress?.Invoke($"group VD epoch {m.Epoch}/{total - options.Training.Epochs}{(m.Epoch > vd.Training.Epochs ? " (compacted)" : "")}: accuracy {m.TestAccuracy:P2}, hidden neurons kept {string.Join("-", kept)}"));
        using var model = result.Model;
        var architecture = string.Join("-", model.Sizes);
        var p = new SurveyPoint("group-variational-dropout", result.NeuronsRemoved, result.Test.Accuracy ?? 0, result.WeightsKept, architecture, total);
        sink?.Invoke(p, model);
        var loss = (denseAccuracy - p.Accuracy) * 100;
        string[] findings =
        [
            $"group VD: {result.NeuronsRemoved:P1} of hidden neurons removed ({string.Join("-", from.Sizes)} → {architecture}, {result.WeightsKept:P1} of the weights kept, "
                + $"{1 / result.WeightsKept:F1}× fewer), accuracy {p.Accuracy:P2} vs dense {denseAccuracy:P2} after {total} epochs: {loss:F2} points lost"
                + (vd.FineTuning is { } ft ? $" ({result.AccuracyBeforeFineTuning:P2} after VD, before {ft.Epochs} fine-tuning epochs of the compacted model)" : ""),
        ];
        return new SurveyStudyResult("group-variational-dropout", options.Model.ToString(), test.Name, denseAccuracy, total, [p], findings, clock.Elapsed.TotalSeconds);
    }

    static MlpModel Copy(SurveyStudyOptions options, IReadOnlyList<Formats.NamedTensor> weights)
    {
        var net = options.Create(options.Seed);
        ModelFile.SetWeights(net, weights, "study");
        return net;
    }
}
