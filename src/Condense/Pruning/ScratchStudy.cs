using System.Diagnostics;
using Condense.Data;
using Condense.Models;

namespace Condense.Pruning;

/// <summary>
/// The control Liu et al. ("Rethinking the Value of Network Pruning", ICLR 2019) ask for: is the
/// pruned architecture worth as much trained from scratch? At each sparsity, two forms of pruning
/// of one trained dense model, each fine-tuned, against the same architecture from a fresh
/// random initialisation trained for the same total epochs (dense training + fine-tuning,
/// Liu et al.'s "Scratch-B"-like budget in epochs):
/// structured (a share of hidden neurons by L2 norm, compacted into a smaller dense MLP; the
/// scratch model is that MLP's shape, freshly initialised) and unstructured (global magnitude;
/// the scratch model keeps the mask fixed and reinitialises the weights under it).
/// </summary>
internal static class ScratchStudy
{
    public static SurveyStudyResult Run(Dataset train, Dataset test, SurveyStudyOptions options, Action<string>? progress = null, SurveyModelSink? sink = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        train = options.Limit(train);
        using var dense = options.Create(options.Seed);
        progress?.Invoke($"training the dense {options.Model} ({options.Training.Epochs} epochs on {train.Count} examples)");
        var denseAccuracy = Trainer.Train(dense, train, test, options.Training with { Seed = options.Seed }).Final.Accuracy ?? 0;
        var weights = ModelFile.Weights(dense);
        var total = options.Training.Epochs + options.FineTuning.Epochs;
        var scratchTraining = options.Training with { Epochs = total, Seed = options.Seed + 1 };
        var tuning = options.FineTuning with { Seed = options.Seed };
        var points = new List<SurveyPoint>();
        void Add(SurveyPoint p, MlpModel m)
        {
            points.Add(p);
            sink?.Invoke(p, m);
            progress?.Invoke($"{p.Method,-24} {p.Sparsity,5:P0}: accuracy {p.Accuracy:P2} ({p.Architecture}, {p.Epochs} epochs)");
        }

        foreach (var s in options.Sparsities)
        {
            // Structured: prune neurons, fine-tune, compact; the compact shape again from scratch.
            using (var net = Copy(options, weights))
            {
                ModelPruner.Apply(net, new ModelPruningOptions { Criterion = PruningCriterion.Structured, Sparsity = s, Seed = options.Seed });
                var tuned = Prune.FineTune(net, train, test, tuning).Final.Accuracy ?? 0;
                var (small, _) = NeuronRemoval.Compact(net);
                using (small)
                {
                    var arch = string.Join("-", small.Sizes);
                    var kept = (double)small.ParameterCount / dense.ParameterCount;
                    Add(new SurveyPoint("structured fine-tuned", s, tuned, kept, arch, total), small);
                    Torch(options.Seed + 1);
                    using var scratch = new MlpModel(small.Kind, small.Sizes, small.Dropout, small.Normalization);
                    var fromScratch = Trainer.Train(scratch, train, test, scratchTraining).Final.Accuracy ?? 0;
                    Add(new SurveyPoint("structured scratch", s, fromScratch, kept, arch, total), scratch);
                }
            }
            // Unstructured: global magnitude mask, fine-tune; the same mask on a fresh initialisation.
            using (var net = Copy(options, weights))
            {
                var outcome = ModelPruner.Apply(net, new ModelPruningOptions { Criterion = PruningCriterion.Global, Sparsity = s, Seed = options.Seed });
                var tuned = Prune.FineTune(net, train, test, tuning).Final.Accuracy ?? 0;
                var arch = string.Join("-", net.Sizes) + " masked";
                Add(new SurveyPoint("unstructured fine-tuned", s, tuned, 1 - outcome.Sparsity, arch, total), net);
                using var scratch = options.Create(options.Seed + 1);
                MaskSet.CopyLayerwise(net, scratch);
                var fromScratch = Prune.FineTune(scratch, train, test, scratchTraining).Final.Accuracy ?? 0;
                Add(new SurveyPoint("unstructured scratch", s, fromScratch, 1 - outcome.Sparsity, arch, total), scratch);
            }
        }
        return new SurveyStudyResult("scratch", options.Model.ToString(), test.Name, denseAccuracy, options.Training.Epochs, points, Findings(points), clock.Elapsed.TotalSeconds);
    }

    static void Torch(int seed) => TorchSharp.torch.manual_seed(seed);

    static MlpModel Copy(SurveyStudyOptions options, IReadOnlyList<Formats.NamedTensor> weights)
    {
        var net = options.Create(options.Seed);
        ModelFile.SetWeights(net, weights, "study");
        return net;
    }

    static IReadOnlyList<string> Findings(IReadOnlyList<SurveyPoint> points)
    {
        var findings = new List<string>();
        foreach (var kind in new[] { "structured", "unstructured" })
        {
            foreach (var s in points.Select(p => p.Sparsity).Distinct())
            {
                var tuned = points.First(p => p.Method == kind + " fine-tuned" && p.Sparsity == s).Accuracy;
                var scratch = points.First(p => p.Method == kind + " scratch" && p.Sparsity == s).Accuracy;
                findings.Add($"{kind} at {s:P0}: fine-tuned {tuned:P2}, from scratch {scratch:P2} ({(scratch >= tuned ? "scratch matches or beats fine-tuning" : "fine-tuning ahead")} by {Math.Abs(scratch - tuned) * 100:F2} points)");
            }
        }
        return findings;
    }
}
