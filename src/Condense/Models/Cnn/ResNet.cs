using System.Globalization;
using Condense.Data;
using Condense.Formats.Onnx.Cnn;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Models.Cnn;

/// <summary>
/// A small residual network for 28×28 inputs: a 3×3 stem (conv → BN → ReLU, <see cref="Width"/>
/// channels), then three stages of basic blocks (two 3×3 conv units, the second without ReLU,
/// added to the shortcut, then ReLU) at widths w, 2w, 4w; the first block of stages 2 and 3 has
/// stride 2 and a 1×1 conv + BN shortcut. Global average pooling and <c>fc</c> close it.
/// </summary>
public sealed class ResNet : CnnModel
{
    readonly ConvUnit stem;
    readonly List<(ConvUnit A, ConvUnit B, ConvUnit? Shortcut)> blocks = [];
    readonly List<ConvUnit> units = [];
    readonly Linear fc;

    /// <summary>A small ResNet: three stages of <paramref name="blocksPerStage"/> residual blocks starting at <paramref name="width"/> channels (doubling per stage), then global pooling and one linear layer.</summary>
    public ResNet(int width = 8, int blocksPerStage = 1, Normalization? normalization = null) : base("ResNet", normalization)
    {
        if (width is < 1 or > 512) throw new CondenseException($"ResNet width {width} must be in 1–512");
        if (blocksPerStage is < 1 or > 16) throw new CondenseException($"ResNet blocks per stage {blocksPerStage} must be in 1–16");
        Width = width;
        BlocksPerStage = blocksPerStage;
        stem = AddUnit("conv0", "bn0", 1, width, 3, 1, 1, bn: true);
        units.Add(stem);
        long channels = width;
        for (var stage = 0; stage < 3; stage++)
        {
            var outChannels = (long)width << stage;
            for (var b = 0; b < blocksPerStage; b++)
            {
                var stride = stage > 0 && b == 0 ? 2 : 1;
                var p = $"s{stage + 1}b{b + 1}";   // TorchSharp module names cannot hold dots: s1b1_conv1
                var a = AddUnit($"{p}_conv1", $"{p}_bn1", channels, outChannels, 3, stride, 1, bn: true);
                var c = AddUnit($"{p}_conv2", $"{p}_bn2", outChannels, outChannels, 3, 1, 1, bn: true);
                var shortcut = stride != 1 || channels != outChannels
                    ? AddUnit($"{p}_down", $"{p}_downbn", channels, outChannels, 1, stride, 0, bn: true) : null;
                blocks.Add((a, c, shortcut));
                units.Add(a);
                units.Add(c);
                if (shortcut is not null) units.Add(shortcut);
                channels = outChannels;
            }
        }
        fc = nn.Linear(channels, 10);
        register_module("fc", fc);
    }

    /// <summary>Channels of the first stage; later stages double it.</summary>
    public int Width { get; }
    /// <summary>Residual blocks in each of the three stages.</summary>
    public int BlocksPerStage { get; }
    /// <inheritdoc/>
    public override string Architecture => "ResNet";
    /// <inheritdoc/>
    public override IReadOnlyList<ConvUnit> ConvUnits => units;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Linear Layer)> Layers => [("fc", fc)];

    /// <inheritdoc/>
    protected override Tensor Logits(Tensor images)
    {
        var x = ConvBnRelu(stem, images);
        foreach (var (a, b, shortcut) in blocks)
        {
            var y = b.Norm!.forward(Run(b.Conv, ConvBnRelu(a, x)));
            var s = shortcut is null ? x : shortcut.Norm!.forward(Run(shortcut.Conv, x));
            x = nn.functional.relu(y + s);
        }
        return Run(fc, nn.functional.adaptive_avg_pool2d(x, [1, 1]).flatten(1));
    }

    /// <inheritdoc/>
    public override string EmitOnnx(CnnGraphBuilder graph, string images)
    {
        var x = EmitConvBnRelu(graph, stem, images);
        foreach (var (a, b, shortcut) in blocks)
        {
            var y = graph.BatchNorm(graph.Conv(EmitConvBnRelu(graph, a, x), b), b.NormName!, b.Norm!);
            var s = shortcut is null ? x : graph.BatchNorm(graph.Conv(x, shortcut), shortcut.NormName!, shortcut.Norm!);
            x = graph.Relu(graph.Sum(y, s));
        }
        return graph.Gemm(graph.GlobalAveragePool(x), "fc", fc);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Describe()
    {
        var d = BaseDescription();
        d["width"] = Width.ToString(CultureInfo.InvariantCulture);
        d["blocks"] = BlocksPerStage.ToString(CultureInfo.InvariantCulture);
        return d;
    }
}
