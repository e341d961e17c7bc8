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
/// A group convolution unit is "32g4": a 3×3 conv of 32 filters in 4 groups (each filter sees a
/// quarter of the input channels, so a quarter of the weights and MACs). <see cref="Order"/>
/// moves every BN after the ReLU and the max pool that follow its conv (Conv→ReLU→MaxPool→BN),
/// the survey's alternative ordering; BN fusion needs the conv-adjacent default.
/// </summary>
public sealed class VggNet : CnnModel
{
    /// <summary>The default: 16-M-32-32-M-64-64-M (about 72 k parameters), small enough to train on two cores.</summary>
    public const string DefaultConfig = "16,M,32,32,M,64,64,M";

    readonly List<object> ops = [];   // ConvUnit, or a (ConvUnit depthwise, ConvUnit pointwise) pair, or "M"
    readonly List<ConvUnit> units = [];
    readonly Linear fc;

    /// <summary>A VGG of configuration <paramref name="config"/> (channel counts and "M" for max-pooling, comma-separated), with BatchNorm after each convolution when <paramref name="batchNorm"/> (what network slimming prunes by).</summary>
    public VggNet(string config, bool batchNorm = true, Normalization? normalization = null, int classes = 10, ConvOrder order = ConvOrder.ConvBnReluPool)
        : base("Vgg", normalization)
    {
        Config = config;
        BatchNorm = batchNorm;
        Order = order;
        long channels = 1;
        var index = 0;
        foreach (var raw in config.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (raw == "M") { ops.Add("M"); continue; }
            var separable = raw.StartsWith('d');
            var (count, groups) = SplitGroups(separable ? raw[1..] : raw);
            if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var c) || c <= 0 || c > 4096
                || !int.TryParse(groups, NumberStyles.None, CultureInfo.InvariantCulture, out var g) || g <= 0 || (separable && groups != "1"))
                throw new CondenseException($"VGG configuration '{config}': '{raw}' is not M, a channel count (1–4096), d<channels> or <channels>g<groups>");
            if (c % g != 0 || channels % g != 0)
                throw new CondenseException($"VGG configuration '{config}': '{raw}' needs {g} groups to divide both its {c} filters and its {channels} input channels");
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
                var unit = AddUnit($"conv{index}", $"bn{index}", channels, c, 3, 1, 1, batchNorm, groups: g);
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

    /// <summary>Where each BatchNorm sits: after its conv (default) or after the ReLU and max pool.</summary>
    public ConvOrder Order { get; }
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
            if (Order == ConvOrder.ConvReluPoolBn)
            {
                x = ops[i] switch
                {
                    ConvUnit u => ConvReluThenBn(u, x, BnAfterPool(i)),
                    ValueTuple<ConvUnit, ConvUnit> p => ConvReluThenBn(p.Item2, ConvReluThenBn(p.Item1, x, false), BnAfterPool(i)),
                    _ => PoolThenBn(x, i),
                };
                continue;
            }
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
    public Tensor HeadOf(Tensor features) => Run(fc, nn.functional.adaptive_avg_pool2d(features, [1, 1]).flatten(1));

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
            if (Order == ConvOrder.ConvReluPoolBn)
            {
                x = ops[i] switch
                {
                    ConvUnit u => EmitConvReluThenBn(graph, u, x, BnAfterPool(i)),
                    ValueTuple<ConvUnit, ConvUnit> p => EmitConvReluThenBn(graph, p.Item2, EmitConvReluThenBn(graph, p.Item1, x, false), BnAfterPool(i)),
                    _ => LastUnitBefore(i) is { Norm: { } bn } u ? graph.BatchNorm(graph.MaxPool(x, 2), u.NormName!, bn) : graph.MaxPool(x, 2),
                };
                continue;
            }
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
        if (Order == ConvOrder.ConvReluPoolBn) d["order"] = OrderName;   // absent for the default, so older files read the same
        return d;
    }

    /// <summary>The model-file value of <see cref="ConvOrder.ConvReluPoolBn"/>.</summary>
    public const string OrderName = "conv-relu-pool-bn";

    // Conv→ReLU→MaxPool→BN: a unit followed by a pool leaves its BN to the pool step, so an early
    // exit cut between the two sees the same values in TorchSharp and ONNX.
    bool BnAfterPool(int step) => step + 1 < ops.Count && ops[step + 1] is string;

    ConvUnit? LastUnitBefore(int step) => step == 0 ? null : ops[step - 1] switch
    {
        ConvUnit u => u,
        ValueTuple<ConvUnit, ConvUnit> p => p.Item2,
        _ => null,
    };

    Tensor PoolThenBn(Tensor x, int step)
    {
        var y = nn.functional.max_pool2d(x, 2);
        return LastUnitBefore(step) is { Norm: { } bn } ? bn.forward(y) : y;
    }

    Tensor ConvReluThenBn(ConvUnit unit, Tensor x, bool bnLater)
    {
        var y = nn.functional.relu(Run(unit.Conv, x));
        return !bnLater && unit.Norm is { } bn ? bn.forward(y) : y;
    }

    static string EmitConvReluThenBn(CnnGraphBuilder g, ConvUnit unit, string x, bool bnLater)
    {
        var y = g.Relu(g.Conv(x, unit));
        return !bnLater && unit.Norm is { } bn ? g.BatchNorm(y, unit.NormName!, bn) : y;
    }

    /// <summary>"32g4" → ("32", "4"); "32" → ("32", "1").</summary>
    static (string Count, string Groups) SplitGroups(string token)
    {
        var at = token.IndexOf('g');
        return at < 0 ? (token, "1") : (token[..at], token[(at + 1)..]);
    }

    /// <summary>The channel counts of the plain 3×3 units, in order (what slimming shrinks).</summary>
    public static IReadOnlyList<string> Tokens(string config) =>
        config.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Where a VGG unit's BatchNorm sits relative to its ReLU and the max pool after it.</summary>
public enum ConvOrder
{
    /// <summary>Conv→BN→ReLU→MaxPool: the usual order, and the one whose BN folds into the conv.</summary>
    ConvBnReluPool,
    /// <summary>Conv→ReLU→MaxPool→BN: BN normalises the pooled activations (4× fewer values); a ReLU sits between it and the conv, so it cannot be fused.</summary>
    ConvReluPoolBn,
}
