using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// Prunes a whole model with one of the <see cref="PruningCriterion"/> methods: the one seam the
/// CLI, the study and the lottery share. Masks stay in the model's <see cref="CondenseModel.Masks"/>, so
/// <see cref="Prune.FineTune"/> afterwards keeps them.
/// </summary>
public static class ModelPruner
{
    /// <summary>Prunes <paramref name="model"/>'s linear layers in place by <paramref name="options"/>' criterion and sparsity (masks stay in the model's mask set, so fine-tuning keeps the zeros) and reports each layer's density.</summary>
    public static PruningOutcome Apply(CondenseModel model, ModelPruningOptions options)
    {
        options.RequireDataIfNeeded();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var view = model.WeightLayers;
        var all = view.Select(l => l.Module).ToArray();
        var selected = options.Layers is null
            ? Enumerable.Range(0, all.Length).ToArray()
            : options.Layers.Select(name => Array.IndexOf(all, Prune.WeightLayer(model, name).Module)).Distinct().Order().ToArray();
        var layers = selected.Select(i => all[i]).ToArray();
        var amount = PruningAmount.OfFraction(options.Sparsity);
        using (var scope = NewDisposeScope())
        {
            switch (options.Criterion)
            {
                case PruningCriterion.Magnitude:
                    foreach (var layer in layers) Prune.L1Unstructured(model.Masks, layer, amount);
                    break;
                case PruningCriterion.Global:
                    Prune.Global(model.Masks, layers, new L1Unstructured(amount));
                    break;
                case PruningCriterion.Random:
                    for (var i = 0; i < layers.Length; i++) Prune.RandomUnstructured(model.Masks, layers[i], amount, options.Seed + i);
                    break;
                case PruningCriterion.Structured:
                    // Output neurons of the last layer are the classes (or pixels): never removed.
                    // A layer keeps at least one neuron: a layer of none is a broken model, not a small one.
                    // Convolutions lose whole filters by their L1 norm (Li et al. 2017).
                    foreach (var i in selected.Where(i => i + 1 < all.Length))
                    {
                        var neurons = view[i].OutChannels;
                        Prune.LnStructured(model.Masks, all[i], PruningAmount.OfCount(Math.Min(amount.Resolve(neurons), neurons - 1)), view[i].IsConvolution ? 1 : options.StructuredNorm, 0);
                    }
                    break;
                case PruningCriterion.Snip:
                {
                    var (x, y) = SaliencyBatch.Sample(options.Data, options.SaliencySamples, options.Seed, "snip");
                    var scores = Snip.Scores(model, x, y);
                    Prune.GlobalByScores(model.Masks, layers, selected.Select(i => scores[i]).ToArray(), amount);
                    break;
                }
                case PruningCriterion.Grasp:
                {
                    var (x, y) = SaliencyBatch.Sample(options.Data, options.SaliencySamples, options.Seed, "grasp");
                    var scores = Grasp.Importances(model, x, y);
                    Prune.GlobalByScores(model.Masks, layers, selected.Select(i => scores[i]).ToArray(), amount);
                    break;
                }
                case PruningCriterion.SynFlow:
                    SynFlow.Prune(model, amount, options.SynFlowIterations, selected);
                    break;
            }
        }
        return new PruningOutcome(options.Criterion, options.Sparsity, Prune.Densities(model), clock.Elapsed.TotalSeconds);
    }
}

/// <summary>What a model-level pruning did: per-layer densities (collapse shows as density 0) and time.</summary>
public sealed record PruningOutcome(PruningCriterion Criterion, double RequestedSparsity, IReadOnlyList<LayerDensity> Layers, double Seconds)
{
    /// <summary>Share of weights removed over all pruned layers, as achieved (ties and collapsed layers can make it differ from the request).</summary>
    public double Sparsity => 1 - (double)Layers.Sum(l => l.Nonzero) / Math.Max(1, Layers.Sum(l => l.Total));
    /// <summary>Names of layers left with no weights: a sign the criterion collapsed the network (SNIP and GraSP can at high sparsity).</summary>
    public IReadOnlyList<string> CollapsedLayers => Layers.Where(l => l.Collapsed).Select(l => l.Name).ToArray();
}
