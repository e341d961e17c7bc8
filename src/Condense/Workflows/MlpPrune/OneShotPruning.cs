using Condense.Data;
using Condense.Models;
using Condense.Pruning;

namespace Condense.Workflows.MlpPrune;

/// <summary>
/// The part of <c>condense prune</c> that MLPs and CNNs share: resolve the data set (the request's,
/// else the model card's, else MNIST-10k; "none" for no data), prune once by the request's criterion,
/// and measure the test set before and after, so both workflows report the same figures the same way.
/// </summary>
internal sealed record OneShotPruning(string DataName, (Dataset Train, Dataset Test)? Sets, Evaluation? Before, PruningOutcome Outcome, Evaluation? After)
{
    /// <summary>Prunes <paramref name="net"/> in place (masks stay on, so fine-tuning keeps the zeros).</summary>
    public static OneShotPruning Apply(CondenseModel net, ModelCard card, MlpPruneRequest r)
    {
        var dataName = r.Data ?? card.DataSet ?? DataSets.Mnist10k;
        (Dataset Train, Dataset Test)? sets = dataName == "none" ? null : DataSets.Load(dataName);
        if (r.Epochs > 0 && sets is null) throw new CondenseException("fine-tuning needs data: drop '--data none' or '--finetune-epochs'");
        var pruner = new ModelPruningOptions { Criterion = r.Criterion, Sparsity = r.Sparsity, Seed = r.Seed, Data = sets?.Train, Layers = r.Layers };
        pruner.RequireDataIfNeeded();
        var before = sets is { } s0 ? Evaluator.Evaluate(net, s0.Test) : null;
        var outcome = ModelPruner.Apply(net, pruner);
        var after = sets is { } s1 ? Evaluator.Evaluate(net, s1.Test) : null;
        return new OneShotPruning(dataName, sets, before, outcome, after);
    }
}
