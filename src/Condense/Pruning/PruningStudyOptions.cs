using System.Globalization;
using Condense.Models;

namespace Condense.Pruning;

/// <summary>
/// Settings of <see cref="PruningStudy"/>. Each setting is checked when it is set (initialiser or
/// <c>with</c>); the lists are copied, so a caller's array changed later cannot make them invalid.
/// </summary>
internal sealed record PruningStudyOptions
{
    public static IReadOnlyList<double> DefaultSparsities { get; } = [0.5, 0.8, 0.9, 0.95, 0.98, 0.99];

    /// <summary>Classifier (784-1000-1000-10) or LeNet-300-100.</summary>
    public ModelKind Model
    {
        get;
        init => field = value != ModelKind.Autoencoder ? value
            : throw new CondenseException("the pruning study needs a classifier (classifier or lenet300), not the autoencoder");
    } = ModelKind.Classifier;

    /// <summary>The methods compared; at least one.</summary>
    public IReadOnlyList<PruningCriterion> Methods
    {
        get;
        init => field = value.Count > 0 ? [.. value] : throw new CondenseException("the pruning study needs at least one method, got none");
    } = PruningCriteria.All;

    /// <summary>Sparsities of the accuracy sweep, each in [0, 1).</summary>
    public IReadOnlyList<double> Sparsities { get; init => field = CheckSparsities("sparsities", value, atLeastOne: true); } = DefaultSparsities;

    /// <summary>
    /// Sparsities of the layer-collapse diagnostic at initialisation (no training, so cheap):
    /// the sweep's plus two extreme ones, where collapse shows on networks this small.
    /// </summary>
    public IReadOnlyList<double> CollapseSparsities { get; init => field = CheckSparsities("collapse sparsities", value, atLeastOne: false); } = [.. DefaultSparsities, 0.999, 0.9999];

    /// <summary>Training of the dense model.</summary>
    public TrainingOptions Training { get; init; } = new();

    /// <summary>
    /// Fine-tuning after pruning, with dropout scaled by <see cref="RetrainingDropout"/>. Adam at
    /// 2·10⁻³, above where training ended (2.4·10⁻⁴): the survivors must move to make up for the
    /// pruned weights; at 2·10⁻⁴ the 95 %-sparse classifier recovers only to 93.7 % in 2 epochs.
    /// </summary>
    public TrainingOptions FineTuning { get; init; } = new() { Epochs = 2, LearningRate = 2e-3 };

    /// <summary>Fine-tune each pruned model; false reports accuracy straight after pruning only.</summary>
    public bool FineTune { get; init; } = true;

    /// <summary>Use only the first N training digits (quick runs), at least 100; null = all.</summary>
    public int? TrainLimit { get; init => field = value is null or >= 100 ? value : throw new CondenseException($"train limit must be at least 100 digits, got {value}"); }

    /// <summary>SynFlow's pruning rounds; 1–10000.</summary>
    public int SynFlowIterations { get; init => field = value is >= 1 and <= 10000 ? value : throw new CondenseException($"SynFlow iterations must be 1–10000, got {value}"); } = SynFlow.DefaultIterations;

    public int Seed { get; init; }

    static IReadOnlyList<double> CheckSparsities(string name, IReadOnlyList<double> value, bool atLeastOne) =>
        (value.Count > 0 || !atLeastOne) && value.All(s => s is >= 0 and < 1) ? [.. value]
            : throw new CondenseException($"{name} must be values in [0, 1), got [{string.Join(", ", value.Select(v => v.ToString(CultureInfo.InvariantCulture)))}]");
}

/// <summary>One method at one sparsity on the trained model: accuracy straight after pruning and after fine-tuning.</summary>
internal sealed record StudyPoint(string Method, double Sparsity, double PrunedAccuracy, double? FineTunedAccuracy, IReadOnlyList<LayerDensity> Layers, double Seconds)
{
    public IReadOnlyList<string> CollapsedLayers => Layers.Where(l => l.Collapsed).Select(l => l.Name).ToArray();
}

/// <summary>One method at one sparsity at initialisation: the per-layer densities (layer-collapse diagnostic).</summary>
internal sealed record CollapsePoint(string Method, double Sparsity, IReadOnlyList<LayerDensity> Layers)
{
    public IReadOnlyList<string> CollapsedLayers => Layers.Where(l => l.Collapsed).Select(l => l.Name).ToArray();
}

/// <summary>The study's data, and its conclusion about layer collapse in words.</summary>
internal sealed record PruningStudyResult(string Model, double DenseAccuracy, IReadOnlyList<StudyPoint> Trained, IReadOnlyList<CollapsePoint> AtInit, IReadOnlyList<string> Findings);
