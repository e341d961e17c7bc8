using System.Diagnostics;
using System.Globalization;
using Condense.Data;
using Condense.Formats;
using Condense.Models;

namespace Condense.Pruning;

/// <summary>
/// Sweeps methods × sparsities: trains one dense model, then for each pair prunes a copy of it,
/// measures test accuracy, fine-tunes with masks enforced and measures again; separately prunes
/// the initialisation at each sparsity to record per-layer densities (layer collapse, as in
/// SynFlow's paper, Fig. 1 and 6). The findings say in words which methods collapsed a layer
/// and whether SynFlow did.
/// </summary>
internal static class PruningStudy
{
    public static PruningStudyResult Run(Dataset train, Dataset test, PruningStudyOptions options, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TrainLimit is { } limit) train = train.Take(limit);
        var model = ModelFactory.Create(options.Model, options.Seed);
        var init = ModelFile.Weights(model);
        progress?.Invoke($"training the dense {options.Model} ({options.Training.Epochs} epochs on {train.Count} digits)");
        var dense = Trainer.Train(model, train, test, options.Training).Final.Accuracy ?? 0;
        var trained = ModelFile.Weights(model);
        model.Dispose();

        var points = new List<StudyPoint>();
        foreach (var method in options.Methods)
        {
            foreach (var s in options.Sparsities)
            {
                var clock = Stopwatch.StartNew();
                var net = Fresh(options, trained);
                var outcome = ModelPruner.Apply(net, PrunerOptions(options, method, s, train));
                var pruned = Evaluator.Evaluate(net, test).Accuracy ?? 0;
                double? tuned = null;
                if (options.FineTune)
                {
                    var retrained = RetrainingDropout.WithDropout(net, RetrainingDropout.For(net.Dropout, 1 - outcome.Sparsity));
                    net.Dispose();
                    net = retrained;
                    tuned = Prune.FineTune(net, train, test, options.FineTuning with { Seed = options.Seed }).Final.Accuracy;
                }
                var p = new StudyPoint(method.Name(), s, pruned, tuned, Prune.Densities(net), clock.Elapsed.TotalSeconds);
                net.Dispose();
                points.Add(p);
                progress?.Invoke($"{method.Name(),-10} {s,7:P1}: pruned {pruned:P2}" + (tuned is { } t ? $", fine-tuned {t:P2}" : "")
                    + $", densities {string.Join(" ", p.Layers.Select(l => l.Density.ToString("P2", CultureInfo.InvariantCulture)))}");
            }
        }

        var atInit = new List<CollapsePoint>();
        foreach (var method in options.Methods)
        {
            foreach (var s in options.CollapseSparsities)
            {
                using var net = Fresh(options, init);
                var outcome = ModelPruner.Apply(net, PrunerOptions(options, method, s, train));
                atInit.Add(new CollapsePoint(method.Name(), s, outcome.Layers));
            }
            progress?.Invoke($"collapse diagnostic at init: {method.Name()} done");
        }
        return new PruningStudyResult(options.Model.ToString(), dense, points, atInit, Findings(points, atInit));
    }

    static MlpModel Fresh(PruningStudyOptions options, IReadOnlyList<NamedTensor> weights)
    {
        var net = ModelFactory.Create(options.Model, options.Seed);
        ModelFile.SetWeights(net, weights, "study");
        return net;
    }

    static ModelPruningOptions PrunerOptions(PruningStudyOptions options, PruningCriterion method, double sparsity, Dataset train) => new()
    {
        Criterion = method,
        Sparsity = sparsity,
        Seed = options.Seed,
        Data = train,
        SynFlowIterations = options.SynFlowIterations,
    };

    /// <summary>Sentences on layer collapse: who collapsed which layer first, and whether SynFlow ever did.</summary>
    public static IReadOnlyList<string> Findings(IReadOnlyList<StudyPoint> trained, IReadOnlyList<CollapsePoint> atInit)
    {
        var findings = new List<string>();
        void Describe(string stage, IEnumerable<(string Method, double Sparsity, IReadOnlyList<string> Collapsed, IReadOnlyList<LayerDensity> Layers)> rows)
        {
            var list = rows.ToList();
            foreach (var group in list.GroupBy(r => r.Method))
            {
                var first = group.Where(r => r.Collapsed.Count > 0).OrderBy(r => r.Sparsity).FirstOrDefault();
                var highest = group.OrderBy(r => r.Sparsity).Last();
                findings.Add(first.Method is null
                    ? $"{stage}: {group.Key} collapsed no layer up to {highest.Sparsity:P2} sparsity (smallest layer density there {highest.Layers.Min(l => l.Density):P3})"
                    : $"{stage}: {group.Key} collapsed {string.Join(", ", first.Collapsed)} at {first.Sparsity:P2} sparsity");
            }
            var synflowCollapses = list.Where(r => r.Method == PruningCriterion.SynFlow.Name() && r.Collapsed.Count > 0).Select(r => r.Sparsity).ToHashSet();
            var contrast = list.Where(r => r.Method != PruningCriterion.SynFlow.Name() && r.Collapsed.Count > 0 && list.Any(x => x.Method == PruningCriterion.SynFlow.Name() && x.Sparsity == r.Sparsity) && !synflowCollapses.Contains(r.Sparsity)).ToList();
            findings.Add(contrast.Count > 0
                ? $"{stage}: {string.Join("; ", contrast.GroupBy(c => c.Method).Select(g => $"{g.Key} collapses a layer at {g.Min(c => c.Sparsity):P2}"))} where SynFlow keeps every layer"
                : $"{stage}: no method collapsed a layer at a sparsity where SynFlow did not");
        }
        Describe("trained", trained.Select(p => (p.Method, p.Sparsity, p.CollapsedLayers, p.Layers)));
        Describe("at init", atInit.Select(p => (p.Method, p.Sparsity, p.CollapsedLayers, p.Layers)));
        return findings;
    }
}
