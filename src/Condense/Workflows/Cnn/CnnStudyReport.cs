using Condense.Models.Cnn;

namespace Condense.Workflows.Cnn;

/// <summary>One network of the study: its size, cost, accuracy in TorchSharp and ONNX Runtime, and ORT latency.</summary>
/// <param name="Name">baseline, sparse, slim, slim-finetuned, filters, fused, separable.</param>
/// <param name="Config">Its VGG configuration.</param>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="Macs">Multiply-accumulates per image (counted on its ONNX graph).</param>
/// <param name="Accuracy">Test accuracy in TorchSharp.</param>
/// <param name="OrtAccuracy">Test accuracy of its ONNX file in ONNX Runtime (null when not exported).</param>
/// <param name="OrtMilliseconds">Median ORT latency for one batch (null when not measured).</param>
/// <param name="File">The ONNX file written, if any.</param>
public sealed record CnnVariant(string Name, string Config, long Parameters, long Macs, double Accuracy, double? OrtAccuracy, double? OrtMilliseconds, string? File);

/// <summary>What <see cref="CnnStudy"/> measured; ratios are within this one run.</summary>
public sealed record CnnStudyReport
{
    /// <summary>The data set the study ran on.</summary>
    public required string DataSet { get; init; }
    /// <summary>Training images used.</summary>
    public required int TrainCount { get; init; }
    /// <summary>Test images used.</summary>
    public required int TestCount { get; init; }
    /// <summary>Every network measured, baseline first.</summary>
    public required IReadOnlyList<CnnVariant> Variants { get; init; }
    /// <summary>Seconds per training epoch of the baseline (TorchSharp), the first epoch.</summary>
    public double BaselineEpochSeconds { get; init; }
    /// <summary>The file the baseline was loaded from (<see cref="CnnStudyRequest.BaselinePath"/>), or null when it was trained in this run (then <see cref="BaselineEpochSeconds"/> is its first epoch).</summary>
    public string? BaselineFile { get; init; }
    /// <summary>With <see cref="StudentStart.Teacher"/>: the share of each replaced conv's ‖W‖² its per-input-channel rank-1 split kept, by pointwise unit.</summary>
    public IReadOnlyDictionary<string, double>? SeparableSplitEnergy { get; init; }
    /// <summary>The BatchNorm scaling-factor threshold network slimming cut at.</summary>
    public double? SlimThreshold { get; init; }
    /// <summary>Share of channels slimming removed.</summary>
    public double? SlimChannelsRemoved { get; init; }
    /// <summary>Per conv unit channels: baseline → slim.</summary>
    public IReadOnlyList<string>? SlimLayers { get; init; }
    /// <summary>Whether the slim and filter-pruned networks were fine-tuned by distillation from the baseline.</summary>
    public bool FineTuneDistilled { get; init; }
    /// <summary>Share of filters L1 filter pruning removed.</summary>
    public double? FilterFraction { get; init; }
    /// <summary>Largest |fused − unfused| log-probability over the test set.</summary>
    public double? FusionMaxDifference { get; init; }
    /// <summary>Parameters of the replaced 3×3 layers (conv + BN) before and after depthwise-separable replacement.</summary>
    public long? ReplacedParametersBefore { get; init; }
    /// <summary>Parameters of the replaced layers after depthwise-separable replacement.</summary>
    public long? ReplacedParametersAfter { get; init; }
    /// <summary>Per group count: parameters of the replaced 3×3 layers (conv + BN) before and after.</summary>
    public IReadOnlyList<ReplacedLayers>? Groups { get; init; }
    /// <summary>What BN fusion said of the Conv→ReLU→MaxPool→BN network (it refuses: a ReLU sits between BN and conv).</summary>
    public string? ReorderedFusion { get; init; }
    /// <summary>The convolutional autoencoders, ConvTranspose and bilinear + Conv decoders.</summary>
    public IReadOnlyList<AutoencoderVariant>? Autoencoders { get; init; }
    /// <summary>Per exit position (configuration step), accuracy against average MACs.</summary>
    public IReadOnlyList<EarlyExitCurve>? EarlyExit { get; init; }

    /// <summary>The variant called <paramref name="name"/>, or null when its stage did not run.</summary>
    public CnnVariant? Variant(string name) => Variants.FirstOrDefault(v => v.Name == name);
}

/// <summary>The early-exit curve of one exit position.</summary>
public sealed record EarlyExitCurve(int AfterStep, long PrefixMacs, IReadOnlyList<EarlyExitPoint> Points);

/// <summary>The layers a replacement changed, by parameters (conv + BN) before and after.</summary>
public sealed record ReplacedLayers(string Variant, long Before, long After);

/// <summary>One convolutional autoencoder of the study.</summary>
/// <param name="Name">autoencoder-convtranspose or autoencoder-bilinear.</param>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="Macs">Multiply-accumulates per image, counted on its ONNX graph (Resize not counted).</param>
/// <param name="Mse">Test reconstruction MSE in TorchSharp.</param>
/// <param name="OrtMse">Test reconstruction MSE of its ONNX file in ONNX Runtime.</param>
/// <param name="OrtMaxDifference">Largest |ORT − TorchSharp| output on the probe batch (must be ≤ 1e-4).</param>
/// <param name="OrtMilliseconds">Median ORT latency for one batch.</param>
/// <param name="File">The ONNX file written, if any.</param>
public sealed record AutoencoderVariant(string Name, long Parameters, long Macs, double Mse, double OrtMse, double OrtMaxDifference, double OrtMilliseconds, string? File);
