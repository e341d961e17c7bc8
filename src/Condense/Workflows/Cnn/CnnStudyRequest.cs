namespace Condense.Workflows.Cnn;

/// <summary>
/// Settings of <see cref="CnnStudy"/>: the data, the VGG-style network and how long each stage
/// trains. The defaults are the acceptance run of docs/cnn.md; tests use tiny subsets.
/// </summary>
public sealed record CnnStudyRequest
{
    /// <summary>The data set name (<see cref="Data.DataSets"/>).</summary>
    public string DataSet { get; init; } = Data.DataSets.Fashion;
    /// <summary>Training images used (0: all).</summary>
    public int TrainCount { get; init; }
    /// <summary>Test images used (0: all).</summary>
    public int TestCount { get; init; }
    /// <summary>The VGG configuration of the baseline.</summary>
    public string Config { get; init; } = Models.Cnn.VggNet.DefaultConfig;
    /// <summary>Training epochs of the baseline.</summary>
    public int Epochs { get; init; } = 3;
    /// <summary>Fine-tuning epochs after each structural change.</summary>
    public int FineTuneEpochs { get; init; } = 2;
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
    /// <summary>Fraction of all channels removed by network slimming.</summary>
    public double SlimFraction { get; init; } = 0.7;
    /// <summary>Fraction of each layer's channels slimming always keeps (0: Liu et al.'s single global threshold).</summary>
    public double SlimMinKeep { get; init; }
    /// <summary>Configuration steps after which an early exit is tried (one curve each).</summary>
    public IReadOnlyList<int> ExitAfterSteps { get; init; } = [2, 5];
    /// <summary>Confidence thresholds of each early-exit curve (above 1: nobody exits, the full network's point).</summary>
    public IReadOnlyList<double> ExitThresholds { get; init; } = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1.01];
    /// <summary>Group counts of the group-convolution replacement (stage "groups").</summary>
    public IReadOnlyList<int> Groups { get; init; } = [2, 4];
    /// <summary>Which stages run: baseline (always), slimming, filters, fusion, separable, groups, order, autoencoder, exit.</summary>
    public IReadOnlySet<string> Stages { get; init; } = new HashSet<string> { "slimming", "filters", "fusion", "separable", "groups", "order", "autoencoder", "exit" };

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

    /// <summary>Throws a <see cref="CondenseException"/> quoting the first out-of-range setting, before any training starts.</summary>
    public void Validate()
    {
        if (Epochs is < 1 or > 1000 || FineTuneEpochs is < 0 or > 1000) throw new CondenseException($"epochs {Epochs} / fine-tune epochs {FineTuneEpochs} out of range");
        if (!(SlimFraction is >= 0 and < 1)) throw new CondenseException($"slimming fraction {SlimFraction} must be in [0, 1)");
        if (TrainCount < 0 || TestCount < 0) throw new CondenseException("train and test counts must be ≥ 0");
        if (Stages.FirstOrDefault(s => !KnownStages.Contains(s)) is { } unknown)
            throw new CondenseException($"unknown study stage '{unknown}' (known: {string.Join(", ", KnownStages)})");
        if (Groups.Any(g => g is < 2 or > 1024)) throw new CondenseException($"group counts ({string.Join(", ", Groups)}) must be in 2–1024");
    }
}
