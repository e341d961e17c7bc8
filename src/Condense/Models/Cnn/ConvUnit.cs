using TorchSharp.Modules;

namespace Condense.Models.Cnn;

/// <summary>
/// One convolution of a CNN with the BatchNorm that follows it (null when there is none, e.g.
/// after BN fusion), by the name its parameters carry (<c>conv3</c>, <c>bn3</c>). Channel
/// methods (slimming, filter pruning, BN fusion) work on these units: a unit's output channels
/// are the conv's filters and the BN's scaling factors γ.
/// </summary>
public sealed record ConvUnit(string Name, Conv2d Conv, BatchNorm2d? Norm, string? NormName, long Stride = 1, long Padding = 0, long Groups = 1)
{
    /// <summary>Kernel side (square kernels only).</summary>
    public long Kernel => Conv.weight!.shape[3];

    /// <summary>Output channels (filters) of the convolution.</summary>
    public long Channels => Conv.weight!.shape[0];
}

/// <summary>
/// A CNN as channel methods see it: its conv units in forward order. Kept apart from
/// <see cref="CondenseModel.Layers"/> (the Linear layers), so MLP-only code keeps working on the
/// CNNs' fully connected heads and conv-aware code asks for this view.
/// </summary>
public interface IConvolutionalModel
{
    /// <summary>The convolutions in forward order with their BatchNorms.</summary>
    IReadOnlyList<ConvUnit> ConvUnits { get; }
}
