namespace Condense.Workflows.Cnn;

/// <summary>
/// Settings of <see cref="CnnStudy"/>: the data, the VGG-style network and how long each stage
/// trains. The defaults are the acceptance run of docs/cnn.md; tests use tiny subsets. Each setting
/// with a range is checked when it is set (initialiser or <c>with</c>); the stage and group lists are
/// copied, so a caller's collection changed later cannot make them invalid.
/// </summary>
public sealed record CnnStudyRequest
{
    /// <summary>The data set name (<see cref="Data.DataSets"/>).</summary>
    public string DataSet { get; init; } = Data.DataSets.Fashion;
    /// <summary>Training images used (0: all); at least 0.</summary>
    public int TrainCount { get; init => field = value >= 0 ? value : throw new CondenseException($"training image count must be at least 0 (0: all), got {value}"); }
    /// <summary>Test images used (0: all); at least 0.</summary>
    public int TestCount { get; init => field = value >= 0 ? value : throw new CondenseException($"test image count must be at least 0 (0: all), got {value}"); }
    /// <summary>The VGG configuration of the baseline.</summary>
    public string Config { get; init; } = Models.Cnn.VggNet.DefaultConfig;
    /// <summary>Training epochs of the baseline; 1–1000.</summary>
    public int Epochs { get; init => field = value is >= 1 and <= 1000 ? value : throw new CondenseException($"epochs must be 1–1000, got {value}"); } = 3;
    /// <summary>Fine-tuning epochs after each structural change; 0–1000.</summary>
    public int FineTuneEpochs { get; init => field = value is >= 0 and <= 1000 ? value : throw new CondenseException($"fine-tuning epochs must be 0–1000, got {value}"); } = 2;
    /// <summary>
    /// A trained baseline to start from (a Condense VGG file of <see cref="Config"/> trained on
    /// <see cref="DataSet"/>, e.g. an earlier run's <c>baseline.safetensors</c>) instead of training
    /// one: the later stages can then be rerun without the baseline's hour on two cores. Null trains it.
    /// </summary>
    public string? BaselinePath { get; init; }
    /// <summary>How the depthwise-separable student starts: from random weights, or from the baseline's convs split per input channel (<see cref="Models.Cnn.SeparableInitialization"/>).</summary>
    public StudentStart SeparableStart { get; init; } = StudentStart.Random;
    /// <summary>The 1-based conv units the separable stage replaces; null: every unit but the first.</summary>
    public IReadOnlyList<int>? SeparableUnits { get; init; }
    /// <summary>Epochs of the distilled students (separable, groups); 0: <see cref="Epochs"/>.</summary>
    public int StudentEpochs { get; init => field = value is >= 0 and <= 1000 ? value : throw new CondenseException($"student epochs must be 0–1000 (0: the baseline's), got {value}"); }
    /// <summary>Adam's learning rate of the distilled students; 0: <see cref="LearningRate"/>.</summary>
    public double StudentLearningRate { get; init => field = value is >= 0 and < 1 ? value : throw new CondenseException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"student learning rate must be in [0, 1) (0: the baseline's), got {value}")); }
    /// <summary>Images per training batch.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Adam's learning rate for every training stage.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>
    /// Adam's learning rate for the two autoencoders (stage "autoencoder"), apart from the
    /// classifiers' because at 2e-3 the bilinear decoder collapsed to an all-black output (sigmoid
    /// saturated, MSE stuck at 0.112 on MNIST-10k) while 1e-3 trains both.
    /// </summary>
    public double AutoencoderLearningRate { get; init; } = 1e-3;
    /// <summary>λ of the L1 penalty on BN scaling factors during sparsity training.</summary>
    public double Lambda { get; init; } = 1e-3;
    /// <summary>Fraction of all channels removed by network slimming, in [0, 1).</summary>
    public double SlimFraction
    {
        get;
        init => field = value is >= 0 and < 1 ? value
            : throw new CondenseException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"slimming fraction must be in [0, 1), got {value}"));
    } = 0.7;
    /// <summary>Fraction of each layer's channels slimming always keeps (0: Liu et al.'s single global threshold).</summary>
    public double SlimMinKeep { get; init; }
    /// <summary>
    /// Whether the fine-tuning after channel removal (slimming and L1 filters alike) distils from the baseline
    /// (the loss the separable and group students train with) instead of the labels alone (Liu et al.'s).
    /// The removed network starts from the kept weights, so the baseline's soft targets say what its
    /// remaining channels should still compute; both pruned networks get the same fine-tuning, so the comparison stays fair.
    /// </summary>
    public bool FineTuneDistilled { get; init; }
    /// <summary>Configuration steps after which an early exit is tried (one curve each).</summary>
    public IReadOnlyList<int> ExitAfterSteps { get; init; } = [2, 5];
    /// <summary>Confidence thresholds of each early-exit curve (above 1: nobody exits, the full network's point).</summary>
    public IReadOnlyList<double> ExitThresholds { get; init; } = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1.01];
    /// <summary>Group counts of the group-convolution replacement (stage "groups"), each 2–1024.</summary>
    public IReadOnlyList<int> Groups
    {
        get;
        init => field = value.All(g => g is >= 2 and <= 1024) ? [.. value] : throw new CondenseException($"group counts must be values in 2–1024, got [{string.Join(", ", value)}]");
    } = [2, 4];
    /// <summary>Which stages run: baseline (always), slimming, filters, fusion, separable, groups, order, autoencoder, exit.</summary>
    public IReadOnlySet<string> Stages
    {
        get;
        init => field = value.FirstOrDefault(s => !KnownStages.Contains(s)) is { } unknown
            ? throw new CondenseException($"study stage must be one of {string.Join(", ", KnownStages)}, got '{unknown}'")
            : value.ToHashSet(StringComparer.Ordinal);
    } = new HashSet<string> { "slimming", "filters", "fusion", "separable", "groups", "order", "autoencoder", "exit" };

    /// <summary>Every stage name <see cref="Stages"/> may hold.</summary>
    public static IReadOnlyList<string> KnownStages { get; } = ["slimming", "filters", "fusion", "separable", "groups", "order", "autoencoder", "exit"];
    /// <summary>Where the models are written (ONNX and safetensors); null writes none.</summary>
    public string? OutputFolder { get; init; }
    /// <summary>Images per batch when timing ONNX Runtime.</summary>
    public int LatencyBatch { get; init; } = 256;
    /// <summary>Timed runs per variant; the median is reported.</summary>
    public int LatencyRuns { get; init; } = 15;
    /// <summary>Seed of initialisation and batch order: the same seed gives the same models.</summary>
    public int Seed { get; init; }
}

/// <summary>Where a distilled student's weights start.</summary>
public enum StudentStart
{
    /// <summary>Random initialisation with the study's seed, as a network trained from scratch.</summary>
    Random,
    /// <summary>From the teacher's weights: shared units copied, replaced convs split per input channel.</summary>
    Teacher,
}
