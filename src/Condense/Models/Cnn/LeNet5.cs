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
    public LeNet5(Normalization? normalization = null) : base("LeNet5", normalization)
    {
        conv1 = AddUnit("conv1", "", 1, 6, 5, 1, 2, bn: false);
        conv2 = AddUnit("conv2", "", 6, 16, 5, 1, 0, bn: false);
        fc1 = nn.Linear(16 * 5 * 5, 120);
        fc2 = nn.Linear(120, 84);
        fc3 = nn.Linear(84, 10);
        register_module("fc1", fc1);
        register_module("fc2", fc2);
        register_module("fc3", fc3);
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
    public override IReadOnlyDictionary<string, string> Describe() => BaseDescription();
}
