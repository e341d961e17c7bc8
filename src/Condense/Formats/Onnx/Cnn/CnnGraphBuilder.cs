using Condense.Data;
using Condense.Models.Cnn;
using Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Formats.Onnx.Cnn;

/// <summary>
/// Builds the ONNX graph of a CNN node by node while tracking every value's per-sample shape
/// (C×H×W or F), so that the multiply-accumulates of each Conv and Gemm are counted from the same
/// description ONNX Runtime runs: <see cref="MultiplyAccumulates"/> is the FLOPs measure of every
/// CNN method (slimming, filter pruning, early exit), not a separate formula that could drift.
/// </summary>
public sealed class CnnGraphBuilder
{
    readonly Dictionary<string, long[]> shapes = new(StringComparer.Ordinal);
    readonly Dictionary<string, long> macsByLayer = new(StringComparer.Ordinal);
    int counter;

    /// <summary>Starts an empty graph called <paramref name="name"/>; the model emitting into it declares inputs and outputs.</summary>
    public CnnGraphBuilder(string name) => Graph = new GraphProto { Name = name };

    /// <summary>The graph built so far, for wrapping into a model once the network has emitted its output.</summary>
    public GraphProto Graph { get; }

    /// <summary>
    /// When set, asked for the value that holds a Conv or Gemm layer's weight (the graph, the layer's
    /// name) before the dense weight is stored: a compressed network (HashedNets) emits the nodes
    /// that rebuild the weight and returns their output's name; null stores the weight as usual.
    /// </summary>
    public Func<GraphProto, string, string?>? WeightSource { get; init; }

    /// <summary>Multiply-accumulates per sample of every Conv and Gemm so far.</summary>
    public long MultiplyAccumulates => macsByLayer.Values.Sum();

    /// <summary>Multiply-accumulates per sample, by layer name, in emission order.</summary>
    public IReadOnlyDictionary<string, long> MacsByLayer => macsByLayer;

    /// <summary>The per-sample shape of a value.</summary>
    public IReadOnlyList<long> Shape(string value) => shapes[value];

    /// <summary>Declares a float graph input of per-sample shape <paramref name="shape"/> and a symbolic batch.</summary>
    public string Input(string name, params long[] shape)
    {
        Graph.Input.Add(ValueInfo(name, shape));
        shapes[name] = shape;
        return name;
    }

    /// <summary>Declares <paramref name="value"/> as a graph output.</summary>
    public void Output(string value) => Graph.Output.Add(ValueInfo(value, shapes[value]));

    /// <summary>Flat pixels to N×C×H×W (or back: any per-sample shape with the same count).</summary>
    public string Reshape(string x, params long[] shape)
    {
        var dims = Constant(Graph.Initializer.Any(t => t.Name == "shape") ? $"shape_{++counter}" : "shape", [-1, .. shape]);
        return Add("Reshape", [x, dims], shape, "reshape");
    }

    /// <summary>(x − mean) / std.</summary>
    public string Normalize(string x, Normalization n)
    {
        Graph.Initializer.Add(OnnxTensorData.FromFloat32("normalization.mean", [n.Mean], []));
        Graph.Initializer.Add(OnnxTensorData.FromFloat32("normalization.std", [n.Std], []));
        var centred = Add("Sub", [x, "normalization.mean"], shapes[x], "centred");
        return Add("Div", [centred, "normalization.std"], shapes[x], "normalized");
    }

    /// <summary>Emits a Conv node (with its weights and bias as initializers) for <paramref name="unit"/> on value <paramref name="x"/> and returns the output value's name.</summary>
    public string Conv(string x, ConvUnit unit)
    {
        var w = unit.Conv.weight!;
        var (c, h, wd) = Chw(x);
        long k = unit.Kernel, s = unit.Stride, p = unit.Padding;
        long oh = (h + 2 * p - k) / s + 1, ow = (wd + 2 * p - k) / s + 1, oc = w.shape[0];
        if (w.shape[1] * unit.Groups != c)
            throw new CondenseException($"{unit.Name}: takes {w.shape[1] * unit.Groups} channels, gets {c}");
        var inputs = new List<string> { x, LayerWeight(unit.Name, w) };
        if (unit.Conv.bias is { } b) inputs.Add(Weight($"{unit.Name}.bias", b));
        var y = Add("Conv", [.. inputs], [oc, oh, ow], unit.Name);
        var node = Graph.Node[^1];
        node.Attribute.Add(Ints("kernel_shape", k, k));
        node.Attribute.Add(Ints("strides", s, s));
        node.Attribute.Add(Ints("pads", p, p, p, p));
        node.Attribute.Add(new AttributeProto { Name = "group", Type = AttributeProto.Types.AttributeType.Int, I = unit.Groups });
        macsByLayer[unit.Name] = oc * oh * ow * w.shape[1] * k * k;
        return y;
    }

    /// <summary>
    /// A 2-D transposed convolution (square kernel, no groups). Its multiply-accumulates are
    /// C_in·H_in·W_in·C_out·k² (every input pixel is scattered through the whole kernel).
    /// </summary>
    public string ConvTranspose(string x, string name, ConvTranspose2d layer, long stride, long padding, long outputPadding)
    {
        var w = layer.weight!;
        var (c, h, wd) = Chw(x);
        long k = w.shape[3], oc = w.shape[1];
        if (w.shape[0] != c) throw new CondenseException($"{name}: takes {w.shape[0]} channels, gets {c}");
        long oh = (h - 1) * stride - 2 * padding + k + outputPadding, ow = (wd - 1) * stride - 2 * padding + k + outputPadding;
        var inputs = new List<string> { x, Weight($"{name}.weight", w) };
        if (layer.bias is { } b) inputs.Add(Weight($"{name}.bias", b));
        var y = Add("ConvTranspose", [.. inputs], [oc, oh, ow], name);
        var node = Graph.Node[^1];
        node.Attribute.Add(Ints("kernel_shape", k, k));
        node.Attribute.Add(Ints("strides", stride, stride));
        node.Attribute.Add(Ints("pads", padding, padding, padding, padding));
        node.Attribute.Add(Ints("output_padding", outputPadding, outputPadding));
        macsByLayer[name] = c * h * wd * oc * k * k;
        return y;
    }

    /// <summary>
    /// Bilinear upsampling by an integer factor: Resize in linear mode with half-pixel coordinates
    /// (PyTorch's <c>align_corners=False</c>). Interpolation is not counted as multiply-accumulates.
    /// </summary>
    public string ResizeBilinear(string x, long factor)
    {
        var (c, h, w) = Chw(x);
        var scales = $"{x}.scales";
        Graph.Initializer.Add(OnnxTensorData.FromFloat32(scales, [1, 1, factor, factor], [4]));
        var y = Add("Resize", [x, "", scales], [c, h * factor, w * factor], x + ".up");
        var node = Graph.Node[^1];
        node.Attribute.Add(new AttributeProto { Name = "mode", Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8("linear") });
        node.Attribute.Add(new AttributeProto { Name = "coordinate_transformation_mode", Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8("half_pixel") });
        return y;
    }

    /// <summary>The logistic function, which keeps a decoder's pixels in [0, 1].</summary>
    public string Sigmoid(string x) => Add("Sigmoid", [x], shapes[x], x + ".sigmoid");

    /// <summary>Emits an inference-mode BatchNormalization node with <paramref name="bn"/>'s running statistics and returns the output value's name.</summary>
    public string BatchNorm(string x, string name, BatchNorm2d bn)
    {
        var inputs = new[]
        {
            x, Weight($"{name}.weight", bn.weight!), Weight($"{name}.bias", bn.bias!),
            Weight($"{name}.running_mean", bn.running_mean!), Weight($"{name}.running_var", bn.running_var!),
        };
        var y = Add("BatchNormalization", inputs, shapes[x], name);
        Graph.Node[^1].Attribute.Add(new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = 1e-5f });
        return y;
    }

    /// <summary>Emits a Relu node on <paramref name="x"/> and returns its output's name.</summary>
    public string Relu(string x) => Add("Relu", [x], shapes[x], x + ".relu");

    /// <summary>Emits an Add node (a residual connection) and returns its output's name; both inputs share one shape.</summary>
    public string Sum(string a, string b) => Add("Add", [a, b], shapes[a], $"{a}+{b}");

    /// <summary>Emits a MaxPool node with a square <paramref name="kernel"/> and equal stride, and returns its output's name.</summary>
    public string MaxPool(string x, long kernel)
    {
        var (c, h, w) = Chw(x);
        var y = Add("MaxPool", [x], [c, h / kernel, w / kernel], x + ".pool");
        Graph.Node[^1].Attribute.Add(Ints("kernel_shape", kernel, kernel));
        Graph.Node[^1].Attribute.Add(Ints("strides", kernel, kernel));
        return y;
    }

    /// <summary>Global average pooling and flatten: N×C×H×W → N×C.</summary>
    public string GlobalAveragePool(string x)
    {
        var (c, _, _) = Chw(x);
        var pooled = Add("GlobalAveragePool", [x], [c, 1, 1], x + ".gap");
        return Flatten(pooled);
    }

    /// <summary>Emits a Flatten node (N×C×H×W to N×CHW, the order TorchSharp's flatten uses) and returns its output's name.</summary>
    public string Flatten(string x)
    {
        var y = Add("Flatten", [x], [shapes[x].Aggregate(1L, (a, d) => a * d)], x + ".flat");
        Graph.Node[^1].Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        return y;
    }

    /// <summary>Emits a Gemm node with <paramref name="layer"/>'s weight (transposed by the node, not copied) and bias, and returns its output's name.</summary>
    public string Gemm(string x, string name, Linear layer)
    {
        var w = layer.weight!;
        if (shapes[x][0] != w.shape[1]) throw new CondenseException($"{name}: takes {w.shape[1]} features, gets {shapes[x][0]}");
        var inputs = new List<string> { x, LayerWeight(name, w) };
        if (layer.bias is { } b) inputs.Add(Weight($"{name}.bias", b));
        var y = Add("Gemm", [.. inputs], [w.shape[0]], name);
        Graph.Node[^1].Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        macsByLayer[name] = w.shape[0] * w.shape[1];
        return y;
    }

    /// <summary>Emits the LogSoftmax that ends a classifier, named <paramref name="output"/> so the exported model's output matches the trained one's.</summary>
    public string LogSoftmax(string x, string output)
    {
        var y = Add("LogSoftmax", [x], shapes[x], output, exact: true);
        Graph.Node[^1].Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        return y;
    }

    string Add(string op, string[] inputs, long[] shape, string name, bool exact = false)
    {
        var output = exact || !shapes.ContainsKey(name) ? name : $"{name}_{++counter}";
        Graph.Node.Add(OnnxExporter.Node(op, inputs, output));
        shapes[output] = shape;
        return output;
    }

    string LayerWeight(string layer, Tensor w) => WeightSource?.Invoke(Graph, layer) ?? Weight($"{layer}.weight", w);

    string Weight(string name, Tensor t)
    {
        using var cpu = t.detach().cpu().contiguous();
        Graph.Initializer.Add(OnnxTensorData.FromFloat32(name, cpu.data<float>().ToArray(), t.shape));
        return name;
    }

    string Constant(string name, long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        Graph.Initializer.Add(t);
        return name;
    }

    (long C, long H, long W) Chw(string x)
    {
        var s = shapes[x];
        if (s.Length != 3) throw new CondenseException($"{x}: expected a C×H×W value, got [{string.Join(", ", s)}]");
        return (s[0], s[1], s[2]);
    }

    static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    static ValueInfoProto ValueInfo(string name, long[] shape)
    {
        var s = new TensorShapeProto();
        s.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (var d in shape) s.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = s } },
        };
    }
}
