using Condense.Data;
using Condense.Models;
using Condense.Models.Cnn;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// Settings of <see cref="SparseVariationalDropout"/> and <see cref="GroupVariationalDropout"/>. Each setting
/// is checked when it is set (initialiser or <c>with</c>). The one rule that joins two settings — the KL
/// annealing fits in <see cref="Training"/>'s epochs — is checked by the runs before they train, since an
/// init accessor cannot know whether the other setting is still to come.
/// </summary>
public sealed record VariationalDropoutOptions
{
    /// <summary>Adam on θ, log σ² and b; no per-epoch decay by default (the KL needs many steps to push α up).</summary>
    public TrainingOptions Training { get; init; } = new() { Epochs = 60, LearningRate = 1e-3, StepGamma = null };

    /// <summary>The KL term's weight rises linearly from 0 to 1 over this many epochs (the paper anneals it too), then stays at 1.</summary>
    public int KlAnnealEpochs { get; init => field = value >= 0 ? value : throw new CondenseException($"KL annealing must be at least 0 epochs, got {value}"); } = 10;

    /// <summary>
    /// The KL weight β reaches (1: the ELBO). The ELBO weighs the KL once against N examples' likelihood, so a
    /// smaller training set than the paper's 60,000 prunes harder and loses more accuracy; β = N/60,000 weighs
    /// it as the paper's data would.
    /// </summary>
    public double KlWeight { get; init => field = value > 0 && value <= 10 ? value : throw Refused("KL weight must be in (0, 10]", value); } = 1;

    /// <summary>Initial log σ² of every weight (−10: the start behaves like the dense model).</summary>
    public double InitialLogSigma2 { get; init => field = value is >= -20 and <= 0 ? value : throw Refused("initial log σ² must be in [−20, 0]", value); } = -10;

    /// <summary>Prune weights with log α above this (3 in the paper).</summary>
    public double Threshold
    {
        get;
        init => field = value is >= -VariationalLinear.LogAlphaClip and <= VariationalLinear.LogAlphaClip ? value
            : throw Refused($"log α threshold must be in [−{VariationalLinear.LogAlphaClip}, {VariationalLinear.LogAlphaClip}]", value);
    } = 3;

    /// <summary>What one α covers: single weights (sparse VD, the default) or hidden neurons (<see cref="GroupVariationalDropout"/>).</summary>
    public VariationalGroups Groups
    {
        get;
        init => field = Enum.IsDefined(value) ? value
            : throw new CondenseException($"variational groups must be one of {string.Join(", ", Enum.GetNames<VariationalGroups>())}, got {(int)value}");
    } = VariationalGroups.Weights;

    /// <summary>
    /// When set, the pruned model removes exactly this share of all weights, those with the largest log α
    /// (<see cref="VariationalMlp.RankThreshold"/>), instead of those above <see cref="Threshold"/>: VD's
    /// KL then ranks the weights and the caller chooses the sparsity, so a lighter KL weight (less damage to
    /// θ) can still reach a required sparsity. The per-epoch reports still use <see cref="Threshold"/>.
    /// </summary>
    public double? TargetSparsity { get; init => field = value is not { } t || (t > 0 && t < 1) ? value : throw Refused("target sparsity must be in (0, 1)", value.Value); }

    /// <summary>
    /// Multiplies the learning rate of log σ² alone (1: one rate for all, as in the paper). From log σ² = −10
    /// a weight needs log σ² − log θ² &gt; 3 to be pruned, a climb of ~7 that Adam at 1e-3 makes in ~7,000
    /// steps; a larger rate lets the KL reach its equilibrium in fewer epochs.
    /// </summary>
    public double LogSigma2RateScale { get; init => field = value > 0 && value <= 1000 ? value : throw Refused("log σ² rate scale must be in (0, 1000]", value); } = 1;

    /// <summary>
    /// After sparse VD, fine-tune the surviving weights of the pruned (deterministic) model with the mask
    /// fixed for these settings' epochs; null skips it. The noise is gone, so the kept θ can settle to the
    /// mean network that is evaluated and written.
    /// </summary>
    public TrainingOptions? FineTuning { get; init; }

    /// <summary>Throws when the KL annealing is longer than the training (the one cross-setting rule).</summary>
    internal void RequireAnnealingWithinTraining()
    {
        if (KlAnnealEpochs > Training.Epochs)
            throw new CondenseException($"KL annealing must be 0–{Training.Epochs} epochs (the training's), got {KlAnnealEpochs}");
    }

    static CondenseException Refused(string rule, double value) =>
        new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{rule}, got {value}"));
}

/// <summary>What sparse variational dropout produced: the pruned dense-shaped model, its densities and test quality.</summary>
public sealed record VariationalDropoutResult(MlpModel Model, IReadOnlyList<LayerDensity> Layers, Evaluation Test, IReadOnlyList<EpochMetrics> Epochs, double FinalKl, double Seconds)
{
    /// <summary>Test accuracy of the pruned model straight after sparse VD, before any fine-tuning (equal to <see cref="Test"/>'s without it).</summary>
    public double? AccuracyBeforeFineTuning { get; init; }

    /// <summary>The mask-fixed fine-tuning epochs, empty without it.</summary>
    public IReadOnlyList<EpochMetrics> FineTuningEpochs { get; init; } = [];

    /// <summary>The log α above which weights were pruned: the options' threshold, or the one ranking chose for the target sparsity.</summary>
    public double LogAlphaThreshold { get; init; } = 3;

    /// <summary>Share of weights removed over all layers after thresholding log α.</summary>
    public double Sparsity => 1 - (double)Layers.Sum(l => l.Nonzero) / Math.Max(1, Layers.Sum(l => l.Total));
}

/// <summary>What sparse variational dropout on a CNN produced: the pruned CNN (conv kernels and Linear weights with zeros), its densities, conv layers first, and test quality.</summary>
public sealed record ConvVariationalDropoutResult(CnnModel Model, IReadOnlyList<LayerDensity> Layers, Evaluation Test, IReadOnlyList<EpochMetrics> Epochs, double FinalKl, double Seconds)
{
    /// <summary>Test accuracy of the pruned CNN straight after sparse VD, before any fine-tuning.</summary>
    public double? AccuracyBeforeFineTuning { get; init; }

    /// <summary>The mask-fixed fine-tuning epochs, empty without it.</summary>
    public IReadOnlyList<EpochMetrics> FineTuningEpochs { get; init; } = [];

    /// <summary>The log α above which weights were pruned.</summary>
    public double LogAlphaThreshold { get; init; } = 3;

    /// <summary>Share of weights removed over all conv and Linear layers.</summary>
    public double Sparsity => 1 - (double)Layers.Sum(l => l.Nonzero) / Math.Max(1, Layers.Sum(l => l.Total));
}

/// <summary>A variational network as the training loop of <see cref="SparseVariationalDropout"/> sees it: its KL, and the pruned deterministic model it stands for.</summary>
internal interface IVariationalNetwork<out TModel> where TModel : CondenseModel
{
    /// <summary>Σ KL over the variational weights.</summary>
    Tensor Kl();

    /// <summary>The log α that prunes the given share of all weights.</summary>
    double RankThreshold(double sparsity);

    /// <summary>The deterministic pruned model (by the threshold, or ranked to <paramref name="sparsity"/>).</summary>
    TModel ToPruned(double? sparsity);
}

/// <summary>
/// Sparse variational dropout (Molchanov, Ashukha &amp; Vetrov, "Variational Dropout Sparsifies
/// Deep Neural Networks", ICML 2017): train with loss = NLL + β·KL/N (the negative ELBO per
/// example, β annealed 0 → <see cref="VariationalDropoutOptions.KlWeight"/>), then keep θ where log α ≤ 3. The paper reports LeNet-300-100 on
/// MNIST at 98.6 % sparsity with 1.92 % error (dense 1.64 %).
/// </summary>
public static class SparseVariationalDropout
{
    /// <summary>Trains a variational copy of <paramref name="start"/> (which is not changed) and returns the pruned model.</summary>
    public static VariationalDropoutResult Run(MlpModel start, Dataset train, Dataset test, VariationalDropoutOptions options, Action<EpochMetrics, double>? onEpoch = null)
    {
        options.RequireAnnealingWithinTraining();
        if (!start.IsClassifier) throw new CondenseException("sparse variational dropout is implemented for classifiers (its loss is the NLL)");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var vd = new VariationalMlp(start, options.InitialLogSigma2, options.Threshold, options.LogSigma2RateScale);
        var r = Train(vd, vd, train, test, options, onEpoch);
        return new VariationalDropoutResult(r.Model, Prune.Densities(r.Model), Evaluator.Evaluate(r.Model, test), r.Epochs, r.Kl, clock.Elapsed.TotalSeconds)
        {
            AccuracyBeforeFineTuning = r.Before.Accuracy,
            LogAlphaThreshold = r.Threshold,
            FineTuningEpochs = r.Tuning,
        };
    }

    /// <summary>
    /// Sparse variational dropout on a CNN's conv kernels and Linear weights (<see cref="VariationalCnn"/>,
    /// one log σ² per weight, the local reparameterisation trick per convolution): trains a variational
    /// copy of <paramref name="start"/> (not changed) and returns the pruned CNN.
    /// </summary>
    public static ConvVariationalDropoutResult Run(CnnModel start, Dataset train, Dataset test, VariationalDropoutOptions options, Action<EpochMetrics, double>? onEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (options.Groups != VariationalGroups.Weights) throw new CondenseException("variational dropout on a CNN prunes single weights (groups of neurons are for the MLPs)");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var vd = new VariationalCnn(start, options.InitialLogSigma2, options.Threshold, options.LogSigma2RateScale);
        var r = Train(vd, vd, train, test, options, onEpoch);
        return new ConvVariationalDropoutResult(r.Model, Prune.Densities(r.Model), Evaluator.Evaluate(r.Model, test), r.Epochs, r.Kl, clock.Elapsed.TotalSeconds)
        {
            AccuracyBeforeFineTuning = r.Before.Accuracy,
            LogAlphaThreshold = r.Threshold,
            FineTuningEpochs = r.Tuning,
        };
    }

    /// <summary>The training both variants share: the annealed ELBO, the log α threshold (or ranking), the pruned model and its optional mask-fixed fine-tuning.</summary>
    static (TModel Model, IReadOnlyList<EpochMetrics> Epochs, double Kl, double Threshold, Evaluation Before, IReadOnlyList<EpochMetrics> Tuning) Train<TModel>(
        CondenseModel network, IVariationalNetwork<TModel> vd, Dataset train, Dataset test, VariationalDropoutOptions options, Action<EpochMetrics, double>? onEpoch)
        where TModel : CondenseModel
    {
        var result = Trainer.Train(network, train, test, options.Training, new TrainingHooks
        {
            Loss = AnnealedKlLoss.For(options, train.Count, vd.Kl),
            OnEpoch = (m, _) =>
            {
                if (onEpoch is null) return;
                using var pruned = vd.ToPruned(null);
                onEpoch(m, Prune.Sparsity(pruned));
            },
        });
        double kl;
        using (no_grad())
        using (var k = vd.Kl()) kl = k.item<float>();
        var threshold = options.TargetSparsity is { } target ? vd.RankThreshold(target) : options.Threshold;
        var model = vd.ToPruned(options.TargetSparsity);
        var before = Evaluator.Evaluate(model, test);
        IReadOnlyList<EpochMetrics> tuning = [];
        if (options.FineTuning is { } ft)
        {
            foreach (var layer in model.WeightLayers)
            {
                using var mask = layer.Weight.ne(0);
                model.Masks.Set(layer.Module, mask);
            }
            tuning = Prune.FineTune(model, train, test, ft, new TrainingHooks
            {
                OnEpoch = (m, net) => onEpoch?.Invoke(m with { Epoch = options.Training.Epochs + m.Epoch }, Prune.Sparsity(net)),
            }).Epochs;
            model.Masks.Clear();
            model.eval();
        }
        return (model, result.Epochs, kl, threshold, before, tuning);
    }
}
