using Condense.Data;
using Condense.Formats.Onnx.Cnn;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Models.Cnn;

/// <summary>
/// LeNet-5 as PyTorch users write it for 28×28 inputs: conv 5×5 (6, padding 2) → ReLU → max pool,
/// conv 5×5 (16) → ReLU → max pool, then 400-120-84-10 fully connected (<c>fc1</c>–<c>fc3</c>,
/// the <see cref="CondenseModel.Layers"/> that MLP methods see). No BatchNorm, conv biases on.
/// </summary>
public sealed class LeNet5 : CnnModel
{
    readonly ConvUnit conv1, conv2;
    readonly Linear fc1, fc2, fc3;

    /// <summary>LeNet-5 (two 5×5 convolutions with pooling, then 120-84-10), with optional input normalisation.</summary>
    /// <param name="normalization">Input normalisation, or null for none.</param>
    /// <param name="width">Scales every width (6, 16, 120, 84; each rounded, at least 1): the equal-size baseline of a compressed LeNet-5. 1 is LeNet-5.</param>
    public LeNet5(Normalization? normalization = null, double width = 1) : base("LeNet5", normalization)
    {
        if (!(width > 0 && width <= 16)) throw new CondenseException($"LeNet-5 width {width} must be in (0, 16]");
        Width = width;
        var (c1, c2, f1, f2) = Widths(width);
        conv1 = AddUnit("conv1", "", 1, c1, 5, 1, 2, bn: false);
        conv2 = AddUnit("conv2", "", c1, c2, 5, 1, 0, bn: false);
        fc1 = nn.Linear(c2 * 5 * 5, f1);
        fc2 = nn.Linear(f1, f2);
        fc3 = nn.Linear(f2, 10);
        register_module("fc1", fc1);
        register_module("fc2", fc2);
        register_module("fc3", fc3);
    }

    /// <summary>The width scale (1: LeNet-5 itself).</summary>
    public double Width { get; }

    /// <summary>Conv channels and hidden units at width scale <paramref name="width"/>: 6, 16, 120, 84 scaled and rounded, at least 1.</summary>
    public static (int Conv1, int Conv2, int Fc1, int Fc2) Widths(double width)
    {
        static int Scale(int n, double w) => Math.Max(1, (int)Math.Round(n * w));
        return (Scale(6, width), Scale(16, width), Scale(120, width), Scale(84, width));
    }

    /// <summary>Weights and biases of LeNet-5 at width scale <paramref name="width"/> (61,706 at 1).</summary>
    public static long ParametersAtWidth(double width)
    {
        var (c1, c2, f1, f2) = Widths(width);
        return (25L + 1) * c1 + (25L * c1 + 1) * c2 + (25L * c2 + 1) * f1 + (f1 + 1L) * f2 + (f2 + 1L) * 10;
    }

    /// <summary>The largest width scale (to 1e-6) whose LeNet-5 has at most <paramref name="parameters"/> parameters: the dense network of a compressed one's size.</summary>
    public static double EqualSizeWidth(long parameters)
    {
        double lo = 0, hi = 16;
        for (var i = 0; i < 60; i++)
        {
            var mid = (lo + hi) / 2;
            if (ParametersAtWidth(mid) <= parameters) lo = mid; else hi = mid;
        }
        return Math.Max(lo, 1e-6);
    }

    /// <inheritdoc/>
    public override string Architecture => "LeNet5";
    /// <inheritdoc/>
    public override IReadOnlyList<ConvUnit> ConvUnits => [conv1, conv2];
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Linear Layer)> Layers => [("fc1", fc1), ("fc2", fc2), ("fc3", fc3)];

    /// <inheritdoc/>
    protected override Tensor Logits(Tensor images)
    {
        var x = nn.functional.max_pool2d(ConvBnRelu(conv1, images), 2);
        x = nn.functional.max_pool2d(ConvBnRelu(conv2, x), 2).flatten(1);
        x = nn.functional.relu(Run(fc1, x));
        x = nn.functional.relu(Run(fc2, x));
        return Run(fc3, x);
    }

    /// <inheritdoc/>
    public override string EmitOnnx(CnnGraphBuilder graph, string images)
    {
        var x = graph.MaxPool(EmitConvBnRelu(graph, conv1, images), 2);
        x = graph.Flatten(graph.MaxPool(EmitConvBnRelu(graph, conv2, x), 2));
        x = graph.Relu(graph.Gemm(x, "fc1", fc1));
        x = graph.Relu(graph.Gemm(x, "fc2", fc2));
        return graph.Gemm(x, "fc3", fc3);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Describe()
    {
        var d = BaseDescription();
        // Only written when scaled, so LeNet-5 files keep their bytes.
        if (Width != 1) d["width"] = Width.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return d;
    }
}
