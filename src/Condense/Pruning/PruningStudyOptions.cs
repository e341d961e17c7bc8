using Condense.Models;

namespace Condense.Pruning;

/// <summary>Settings of <see cref="PruningStudy"/>.</summary>
internal sealed record PruningStudyOptions
{
    public static IReadOnlyList<double> DefaultSparsities { get; } = [0.5, 0.8, 0.9, 0.95, 0.98, 0.99];

    /// <summary>Classifier (784-1000-1000-10) or LeNet-300-100.</summary>
    public ModelKind Model { get; init; } = ModelKind.Classifier;

    public IReadOnlyList<PruningCriterion> Methods { get; init; } = PruningCriteria.All;

    /// <summary>Sparsities of the accuracy sweep, each in [0, 1).</summary>
    public IReadOnlyList<double> Sparsities { get; init; } = DefaultSparsities;

    /// <summary>
    /// Sparsities of the layer-collapse diagnostic at initialisation (no training, so cheap):
    /// the sweep's plus two extreme ones, where collapse shows on networks this small.
    /// </summary>
    public IReadOnlyList<double> CollapseSparsities { get; init; } = [.. DefaultSparsities, 0.999, 0.9999];

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

    /// <summary>Use only the first N training digits (quick runs); null = all.</summary>
    public int? TrainLimit { get; init; }

    public int SynFlowIterations { get; init; } = SynFlow.DefaultIterations;

    public int Seed { get; init; }

    public void Validate()
    {
        if (Model == ModelKind.Autoencoder) throw new CondenseException("the pruning study needs a classifier (classifier or lenet300), not the autoencoder");
        if (Methods.Count == 0) throw new CondenseException("the pruning study needs at least one method");
        foreach (var s in Sparsities.Concat(CollapseSparsities)) PruningAmount.OfFraction(s);
        if (Sparsities.Count == 0) throw new CondenseException("the pruning study needs at least one sparsity");
        if (TrainLimit is < 100) throw new CondenseException($"train limit {TrainLimit} must be ≥ 100 digits");
        if (SynFlowIterations is < 1 or > 10000) throw new CondenseException($"SynFlow iterations {SynFlowIterations} must be in 1–10000");
    }
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
