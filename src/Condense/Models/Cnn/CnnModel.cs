using Condense.Data;
using Condense.Formats.Onnx.Cnn;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Models.Cnn;

/// <summary>
/// The base of Condense's convolutional classifiers. They take the same flat 784-pixel rows as
/// the MLPs (so the trainer, evaluator, model files and ONNX evaluator need no second data path)
/// and view them as 1×28×28 images inside <see cref="forward"/>; normalisation belongs to the
/// model, as for the MLPs, so saved and exported models take plain pixels in [0, 1].
/// </summary>
public abstract class CnnModel : CondenseModel, IConvolutionalModel
{
    /// <summary>Input side (28: MNIST and Fashion-MNIST).</summary>
    public const int Side = 28;

    /// <summary>Sets the model's name and input normalisation; CNNs here are always classifiers.</summary>
    protected CnnModel(string name, Normalization? normalization) : base(name, ModelTask.Classification) =>
        Normalization = normalization;

    /// <summary>Input normalisation applied inside the model (so exported models take plain pixels), or null for none.</summary>
    public Normalization? Normalization { get; }

    /// <summary>The architecture name written to model files (LeNet5, Vgg, ResNet).</summary>
    public abstract string Architecture { get; }

    /// <summary>The convolutions in forward order, for channel pruning, slimming and the size reports.</summary>
    public abstract IReadOnlyList<ConvUnit> ConvUnits { get; }

    /// <summary>The network body on a normalised N×1×28×28 batch, returning logits N×10.</summary>
    protected abstract Tensor Logits(Tensor images);

    /// <summary>The convolutions, then the Linear layers: what pruning, quantization and low rank see.</summary>
    public override IReadOnlyList<WeightLayer> WeightLayers =>
        ConvUnits.Select(u => new WeightLayer(u.Name, u.Conv)).Concat(Layers.Select(l => new WeightLayer(l.Name, l.Layer))).ToArray();

    /// <summary>
    /// The logits of an already normalised N×1×28×28 batch, without log-softmax: SynFlow's
    /// R = 1ᵀ f(1) needs the body's raw output, which log-softmax would make non-linear.
    /// </summary>
    internal Tensor BodyLogits(Tensor images) => Logits(images);

    /// <summary>Normalises a flat or N×1×28×28 batch and returns log-probabilities, like the MLPs, so trainers and evaluators treat every model alike.</summary>
    public sealed override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.reshape(-1, 1, Side, Side);
        if (Normalization is { } n) x = (x - n.Mean) / n.Std;
        return nn.functional.log_softmax(Logits(x), 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Writes the body (after normalisation) into an ONNX graph, node for node as
    /// <see cref="Logits"/> computes it; returns the logits' value name. The graph builder counts
    /// multiply-accumulates as it goes, which is how Condense measures FLOPs.
    /// </summary>
    public abstract string EmitOnnx(CnnGraphBuilder graph, string images);

    /// <summary>The metadata every CNN file carries; subclasses add their shape.</summary>
    protected Dictionary<string, string> BaseDescription()
    {
        var d = new Dictionary<string, string> { ["architecture"] = Architecture };
        if (Normalization is { } n)
        {
            d["normalization.mean"] = n.Mean.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            d["normalization.std"] = n.Std.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }
        return d;
    }

    /// <summary>
    /// When set, every convolution and Linear layer of the body runs through this function
    /// (the layer, its input) instead of its own <c>forward</c>: how a training-time wrapper such as
    /// <see cref="Pruning.VariationalCnn"/> replaces a layer's computation (sparse variational
    /// dropout's local reparameterisation) without a second copy of each architecture's forward.
    /// Null (the default) runs the layers as they are.
    /// </summary>
    internal Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>? LayerForward { get; set; }

    /// <summary>Runs one conv or Linear layer of the body, through <see cref="LayerForward"/> when it is set.</summary>
    protected Tensor Run(nn.Module<Tensor, Tensor> layer, Tensor x) => LayerForward is { } f ? f(layer, x) : layer.forward(x);

    /// <summary>conv → (BN) → ReLU, the unit every CNN here repeats.</summary>
    protected Tensor ConvBnRelu(ConvUnit unit, Tensor x)
    {
        var y = Run(unit.Conv, x);
        if (unit.Norm is { } bn) y = bn.forward(y);
        return nn.functional.relu(y);
    }

    /// <summary>The ONNX counterpart of <see cref="ConvBnRelu"/>.</summary>
    protected static string EmitConvBnRelu(CnnGraphBuilder g, ConvUnit unit, string x)
    {
        var y = g.Conv(x, unit);
        if (unit.Norm is { } bn) y = g.BatchNorm(y, unit.NormName!, bn);
        return g.Relu(y);
    }

    /// <summary>
    /// The most conv weights a Condense CNN may have (67,108,864: 256 MB of float32, a thousand times the default
    /// VGG's). A model file's metadata names its network (a VGG configuration, a ResNet width), so without a bound a
    /// hostile file could ask for tens of gigabytes before its tensors are even read; each unit is counted before it
    /// is allocated and the one that would cross the bound is refused.
    /// </summary>
    public const long MaxConvWeights = 1L << 26;

    long convWeights;

    /// <summary>Creates and registers a conv unit (bias only when there is no BN, as in VGG-BN and ResNet); refused past <see cref="MaxConvWeights"/>.</summary>
    protected ConvUnit AddUnit(string name, string normName, long input, long output, long kernel, long stride, long padding, bool bn, long groups = 1)
    {
        var weights = input / Math.Max(1, groups) * output * kernel * kernel;
        if (weights > MaxConvWeights - convWeights)
            throw new CondenseException($"{Architecture}: conv {name} would bring the network to {convWeights + weights:N0} conv weights, more than the {MaxConvWeights:N0} a Condense CNN may have");
        convWeights += weights;
        var conv = nn.Conv2d(input, output, kernel, stride: stride, padding: padding, groups: groups, bias: !bn);
        register_module(name, conv);
        BatchNorm2d? norm = null;
        if (bn)
        {
            norm = nn.BatchNorm2d(output);
            register_module(normName, norm);
        }
        return new ConvUnit(name, conv, norm, bn ? normName : null, stride, padding, groups);
    }
}
