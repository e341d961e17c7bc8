using System.Globalization;
using Condense.Data;
using Condense.Models;

namespace Condense.Pruning;

/// <summary>
/// Settings shared by the survey's pruning studies (skeletonization, from scratch vs fine-tuned, AGP vs
/// one-shot, sparse VD vs dense). Each setting is checked when it is set (initialiser or <c>with</c>);
/// the sparsities are copied, so a caller's array changed later cannot make them invalid.
/// </summary>
public sealed record SurveyStudyOptions
{
    /// <summary>The network every study trains (LeNet-300-100 by default, as in the papers compared).</summary>
    public ModelKind Model
    {
        get;
        init => field = value != ModelKind.Autoencoder ? value
            : throw new CondenseException("these studies compare classifiers' accuracy: use classifier or lenet300, not the autoencoder");
    } = ModelKind.LeNet300;

    /// <summary>Dense training (and, for the controls, the epochs a method is compared at).</summary>
    public TrainingOptions Training { get; init; } = new() { Epochs = 10 };

    /// <summary>Fine-tuning after pruning (masks enforced).</summary>
    public TrainingOptions FineTuning { get; init; } = new() { Epochs = 5, LearningRate = 1e-3 };

    /// <summary>Sparsities (share of weights, or of hidden neurons for structured and skeleton points).</summary>
    public IReadOnlyList<double> Sparsities
    {
        get;
        init => field = value.Count > 0 && value.All(s => s is >= 0 and < 1) ? [.. value]
            : throw new CondenseException($"sparsities must be values in [0, 1), got [{string.Join(", ", value.Select(v => v.ToString(CultureInfo.InvariantCulture)))}]");
    } = [0.5, 0.8, 0.9];

    /// <summary>Use only the first N training examples (quick runs); null uses all.</summary>
    public int? TrainLimit { get; init => field = value is null or >= 1 ? value : throw new CondenseException($"training limit must be at least 1, got {value}"); }

    /// <summary>Examples (drawn from the training set) on which skeletonization measures relevance.</summary>
    public int RelevanceSamples { get; init => field = value >= 1 ? value : throw new CondenseException($"relevance samples must be at least 1, got {value}"); } = 1000;

    /// <summary>AGP: share of the fine-tuning steps over which the sparsity ramps up (the rest recovers).</summary>
    public double AgpRampShare
    {
        get;
        init => field = value > 0 && value <= 1 ? value : throw new CondenseException(string.Create(CultureInfo.InvariantCulture, $"AGP ramp share must be in (0, 1], got {value}"));
    } = 0.5;

    /// <summary>Seed of initialisation and batch order: the same seed gives the same table.</summary>
    public int Seed { get; init; }

    internal Dataset Limit(Dataset train) => TrainLimit is { } n ? train.Take(Math.Min(n, train.Count)) : train;

    /// <summary>A fresh model of the study's kind with seeded initial weights (dropout off, so sparse VD can start from it too).</summary>
    internal MlpModel Create(int seed) => ModelFactory.Create(Model, seed, Model == ModelKind.LeNet300 ? 0 : null);
}

/// <summary>One point of a survey study: a method at a setting, its accuracy and what it kept.</summary>
public sealed record SurveyPoint(string Method, double Sparsity, double Accuracy, double KeptShare, string Architecture, int Epochs);

/// <summary>A study's dense baseline and points, plus sentences that say whether its claim held.</summary>
public sealed record SurveyStudyResult(string Study, string Model, string Data, double DenseAccuracy, int DenseEpochs, IReadOnlyList<SurveyPoint> Points, IReadOnlyList<string> Findings, double Seconds);

/// <summary>A model a study produced, for the caller to write (the library knows no output folders).</summary>
public delegate void SurveyModelSink(SurveyPoint point, MlpModel model);
