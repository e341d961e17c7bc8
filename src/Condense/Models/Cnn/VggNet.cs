using System.Globalization;
using Condense.Data;
using Condense.Formats.Onnx.Cnn;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Models.Cnn;

/// <summary>
/// A VGG-style network sized for 28×28 images: a configuration of 3×3 conv units (each conv →
/// BatchNorm → ReLU), 2×2 max pools ("M") and depthwise-separable units ("d64": a 3×3 depthwise
/// conv → BN → ReLU, then a 1×1 pointwise conv → BN → ReLU), then global average pooling and one
/// Linear layer (<c>fc</c>). The configuration is the whole architecture, so a slimmed network is
/// just a VggNet with smaller numbers (network slimming keeps a real, smaller model), and a
/// BN-fused one is the same configuration with <see cref="BatchNorm"/> off and conv biases on.
/// </summary>
public sealed class VggNet : CnnModel
{
    /// <summary>The default: 16-M-32-32-M-64-64-M (about 72 k parameters), small enough to train on two cores.</summary>
    public const string DefaultConfig = "16,M,32,32,M,64,64,M";

    readonly List<object> ops = [];   // ConvUnit, or a (ConvUnit depthwise, ConvUnit pointwise) pair, or "M"
    readonly List<ConvUnit> units = [];
    readonly Linear fc;

    /// <summary>A VGG of configuration <paramref name="config"/> (channel counts and "M" for max-pooling, comma-separated), with BatchNorm after each convolution when <paramref name="batchNorm"/> (what network slimming prunes by).</summary>
    public VggNet(string config, bool batchNorm = true, Normalization? normalization = null, int classes = 10)
        : base("Vgg", normalization)
    {
        Config = config;
        BatchNorm = batchNorm;
        long channels = 1;
        var index = 0;
        foreach (var raw in config.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (raw == "M") { ops.Add("M"); continue; }
            var separable = raw.StartsWith('d');
            if (!int.TryParse(separable ? raw[1..] : raw, NumberStyles.None, CultureInfo.InvariantCulture, out var c) || c <= 0 || c > 4096)
                throw new CondenseException($"VGG configuration '{config}': '{raw}' is not M, a channel count (1–4096) or d<channels>");
            index++;
            if (separable)
            {
                var dw = AddUnit($"conv{index}dw", $"bn{index}dw", channels, channels, 3, 1, 1, batchNorm, groups: channels);
                var pw = AddUnit($"conv{index}", $"bn{index}", channels, c, 1, 1, 0, batchNorm);
                ops.Add((dw, pw));
                units.Add(dw);
                units.Add(pw);
            }
            else
            {
                var unit = AddUnit($"conv{index}", $"bn{index}", channels, c, 3, 1, 1, batchNorm);
                ops.Add(unit);
                units.Add(unit);
            }
            channels = c;
        }
        if (index == 0) throw new CondenseException($"VGG configuration '{config}' has no convolution");
        fc = nn.Linear(channels, classes);
        register_module("fc", fc);
    }

    /// <summary>The configuration string the network was built from, saved so a load rebuilds it.</summary>
    public string Config { get; }
    /// <summary>Whether each convolution is followed by BatchNorm.</summary>
    public bool BatchNorm { get; }
    /// <inheritdoc/>
    public override string Architecture => "Vgg";
    /// <inheritdoc/>
    public override IReadOnlyList<ConvUnit> ConvUnits => units;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Linear Layer)> Layers => [("fc", fc)];
    /// <summary>The classifier after global pooling; an early exit replaces what comes before it.</summary>
    public Linear Head => fc;

    /// <summary>Number of configuration steps (units and pools), the positions an early exit can follow.</summary>
    public int Steps => ops.Count;

    /// <inheritdoc/>
    protected override Tensor Logits(Tensor images) => HeadOf(Features(images, 0, ops.Count));

    /// <summary>Runs configuration steps [<paramref name="from"/>, <paramref name="to"/>) on N×C×H×W features.</summary>
    public Tensor Features(Tensor x, int from, int to)
    {
        using var scope = NewDisposeScope();
        for (var i = from; i < to; i++)
        {
            x = ops[i] switch
            {
                ConvUnit u => ConvBnRelu(u, x),
                ValueTuple<ConvUnit, ConvUnit> p => ConvBnRelu(p.Item2, ConvBnRelu(p.Item1, x)),
                _ => nn.functional.max_pool2d(x, 2),
            };
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Global average pool and the Linear classifier.</summary>
    public Tensor HeadOf(Tensor features) => fc.forward(nn.functional.adaptive_avg_pool2d(features, [1, 1]).flatten(1));

    /// <inheritdoc/>
    public override string EmitOnnx(CnnGraphBuilder graph, string images)
    {
        var x = EmitFeatures(graph, images, 0, ops.Count);
        return graph.Gemm(graph.GlobalAveragePool(x), "fc", fc);
    }

    /// <summary>The ONNX counterpart of <see cref="Features"/>.</summary>
    public string EmitFeatures(CnnGraphBuilder graph, string x, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            x = ops[i] switch
            {
                ConvUnit u => EmitConvBnRelu(graph, u, x),
                ValueTuple<ConvUnit, ConvUnit> p => EmitConvBnRelu(graph, p.Item2, EmitConvBnRelu(graph, p.Item1, x)),
                _ => graph.MaxPool(x, 2),
            };
        }
        return x;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Describe()
    {
        var d = BaseDescription();
        d["config"] = Config;
        d["batch_norm"] = BatchNorm ? "true" : "false";
        return d;
    }

    /// <summary>The channel counts of the plain 3×3 units, in order (what slimming shrinks).</summary>
    public static IReadOnlyList<string> Tokens(string config) =>
        config.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
