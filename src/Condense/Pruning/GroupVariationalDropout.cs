using Condense.Data;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// Group variational dropout: every hidden neuron gets a Gaussian scale with a log-uniform prior
/// (<see cref="NeuronGate"/>), training minimises NLL + β·KL/N as sparse VD does, and neurons whose
/// log α ends above the threshold are cut out of the network (<see cref="NeuronRemoval.Compact"/>),
/// so the file and the computation really shrink, which a weight mask alone does not give.
/// Sparse VD's options apply (KL weight, annealing, threshold, initial log σ², log σ²'s rate);
/// fine-tuning here trains the compacted dense model.
/// </summary>
public static class GroupVariationalDropout
{
    /// <summary>
    /// The initial log σ² callers should use for gates (−6: α ≈ 0.0025, noise std 5 % of a neuron's output).
    /// Sparse VD's −10 works for weights because log α = log σ² − log θ² starts near −4 for typical θ; a gate's
    /// μ is 1, so −10 would put log α below the clip, where it has no gradient.
    /// </summary>
    public const double InitialLogSigma2 = -6;

    /// <summary>Trains a gated copy of <paramref name="start"/> (not changed) and returns the compacted model.</summary>
    public static GroupVariationalDropoutResult Run(MlpModel start, Dataset train, Dataset test, VariationalDropoutOptions options, Action<EpochMetrics, IReadOnlyList<int>>? onEpoch = null)
    {
        options.RequireAnnealingWithinTraining();
        if (!start.IsClassifier) throw new CondenseException("group variational dropout is implemented for classifiers (its loss is the NLL)");
        if (options.TargetSparsity is not null) throw new CondenseException("a target sparsity ranks single weights: group variational dropout removes neurons by their threshold");
        // μ starts at 1, so log α starts at log σ²; below the clip (−8) its gradient is 0 and the gates never move
        if (options.InitialLogSigma2 <= -VariationalLinear.LogAlphaClip)
            throw new CondenseException($"initial log σ² {options.InitialLogSigma2} must be above −{VariationalLinear.LogAlphaClip} for neuron groups (μ starts at 1: log α would sit at the clip, where it has no gradient)");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var vd = new GroupVariationalMlp(start, options.InitialLogSigma2, options.Threshold, options.LogSigma2RateScale);
        var result = Trainer.Train(vd, train, test, options.Training, new TrainingHooks
        {
            Loss = AnnealedKlLoss.For(options, train.Count, vd.Kl),
            OnEpoch = (m, _) => onEpoch?.Invoke(m, vd.KeptNeurons()),
        });
        double kl;
        using (no_grad())
        using (var k = vd.Kl()) kl = k.item<float>();
        var model = vd.ToCompacted();
        var before = Evaluator.Evaluate(model, test);
        IReadOnlyList<EpochMetrics> tuning = [];
        if (options.FineTuning is { } ft)
        {
            var kept = model.Sizes.Skip(1).SkipLast(1).ToArray();
            tuning = Trainer.Train(model, train, test, ft, new TrainingHooks
            {
                OnEpoch = (m, _) => onEpoch?.Invoke(m with { Epoch = options.Training.Epochs + m.Epoch }, kept),
            }).Epochs;
            model.eval();
        }
        return new GroupVariationalDropoutResult(model, start.Sizes, Evaluator.Evaluate(model, test), result.Epochs, kl, clock.Elapsed.TotalSeconds)
        {
            AccuracyBeforeFineTuning = before.Accuracy,
            FineTuningEpochs = tuning,
        };
    }
}
