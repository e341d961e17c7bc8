using Condense.Data;
using Condense.Models;

namespace Condense.Pruning;

/// <summary>The methods that prune while training rather than once: what <c>condense prune --method</c> adds to <see cref="PruningCriterion"/>.</summary>
public enum TrainingTimeMethod
{
    /// <summary>Sparse variational dropout (Molchanov et al. 2017): the sparsity is learnt, not asked for.</summary>
    VariationalDropout,
    /// <summary>Zhu &amp; Gupta's automated gradual pruning to the asked sparsity, layer by layer.</summary>
    Agp,
    /// <summary>Group (neuron) variational dropout: hidden neurons are removed by their learnt α and the model is compacted (a smaller dense MLP).</summary>
    GroupVariationalDropout,
}

/// <summary>A training-time pruning of a trained model (an MLP, or a CNN for AGP and sparse VD): the pruned model (masks on its layers for AGP; zeros for VD) and its quality.</summary>
public sealed record TrainingTimePruningResult(CondenseModel Model, TrainingTimeMethod Method, Evaluation Before, Evaluation After, IReadOnlyList<LayerDensity> Layers, double Seconds)
{
    /// <summary>Share of weights removed over all layers.</summary>
    public double Sparsity => 1 - (double)Layers.Sum(l => l.Nonzero) / Math.Max(1, Layers.Sum(l => l.Total));
}

/// <summary>The one seam the CLI and the demo use for <see cref="TrainingTimeMethod"/>.</summary>
public static class TrainingTimePruning
{
    /// <summary>Parses "agp" or "variational-dropout"; false for anything else, so the caller can fall back to a one-shot criterion.</summary>
    public static bool TryParse(string name, out TrainingTimeMethod method)
    {
        method = TrainingTimeMethod.Agp;
        switch (name.ToLowerInvariant())
        {
            case "variational-dropout" or "vd" or "sparse-vd": method = TrainingTimeMethod.VariationalDropout; return true;
            case "agp" or "gradual": method = TrainingTimeMethod.Agp; return true;
            case "group-variational-dropout" or "group-vd": method = TrainingTimeMethod.GroupVariationalDropout; return true;
            default: return false;
        }
    }

    /// <summary>The method's command-line name.</summary>
    public static string Name(this TrainingTimeMethod method) => method switch
    {
        TrainingTimeMethod.Agp => "agp",
        TrainingTimeMethod.GroupVariationalDropout => "group-variational-dropout",
        _ => "variational-dropout",
    };

    /// <summary>
    /// Runs the method from <paramref name="model"/> (changed in place for AGP, copied for VD) over
    /// <paramref name="training"/>'s epochs; AGP reaches <paramref name="sparsity"/> after half of them.
    /// A CNN (<see cref="Models.Cnn.CnnModel"/>) takes AGP and sparse VD on its conv kernels and head;
    /// group variational dropout removes MLP neurons and is refused for it.
    /// </summary>
    public static TrainingTimePruningResult Run(CondenseModel model, Dataset train, Dataset test, TrainingTimeMethod method, double sparsity, TrainingOptions training, VariationalDropoutOptions? vd = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var before = Evaluator.Evaluate(model, test);
        if (method == TrainingTimeMethod.VariationalDropout)
        {
            vd ??= new VariationalDropoutOptions();
            vd = vd with { Training = training with { StepGamma = vd.Training.StepGamma }, KlAnnealEpochs = Math.Min(vd.KlAnnealEpochs, training.Epochs) };
            if (model is Models.Cnn.CnnModel cnn)
            {
                var conv = SparseVariationalDropout.Run(cnn, train, test, vd);
                return new TrainingTimePruningResult(conv.Model, method, before, conv.Test, conv.Layers, clock.Elapsed.TotalSeconds);
            }
            var result = SparseVariationalDropout.Run(Mlp(model, method), train, test, vd);
            return new TrainingTimePruningResult(result.Model, method, before, result.Test, result.Layers, clock.Elapsed.TotalSeconds);
        }
        if (method == TrainingTimeMethod.GroupVariationalDropout)
        {
            // a gate's log σ² climbs at 10× the rate (see NeuronGate); the compacted model replaces the input's shape
            vd ??= new VariationalDropoutOptions { LogSigma2RateScale = 10, InitialLogSigma2 = GroupVariationalDropout.InitialLogSigma2 };
            vd = vd with { Groups = VariationalGroups.Neurons, Training = training with { StepGamma = vd.Training.StepGamma }, KlAnnealEpochs = Math.Min(vd.KlAnnealEpochs, training.Epochs) };
            var result = GroupVariationalDropout.Run(Mlp(model, method), train, test, vd);
            return new TrainingTimePruningResult(result.Model, method, before, result.Test, Prune.Densities(result.Model), clock.Elapsed.TotalSeconds);
        }
        PruningAmount.OfFraction(sparsity);
        var batches = (train.Count + training.BatchSize - 1) / training.BatchSize;
        var after = GradualPruning.Train(model, train, test, training, GradualPruningSchedule.ForTraining(sparsity, training.Epochs, batches, 0.5)).Final;
        return new TrainingTimePruningResult(model, method, before, after, Prune.Densities(model), clock.Elapsed.TotalSeconds);
    }

    static MlpModel Mlp(CondenseModel model, TrainingTimeMethod method) => model as MlpModel
        ?? throw new CondenseException(method == TrainingTimeMethod.GroupVariationalDropout
            ? $"{method.Name()} removes hidden neurons of an MLP; a {model.GetType().Name} takes variational-dropout or agp"
            : $"{method.Name()} works on the MLPs and the CNNs, not on a {model.GetType().Name}");
}
