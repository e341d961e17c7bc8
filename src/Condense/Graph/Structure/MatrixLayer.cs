using Condense.Metrics;
using Condense.Formats.Onnx;
using Condense.Quantization.Gptq;
using Onnx;

namespace Condense.Graph.Structure;

/// <summary>
/// One Conv/Gemm/MatMul node seen as Y = X·M + b with M a K×N matrix: K input features (for a
/// Conv, C_in·kh·kw im2col features in the weight's own order), N outputs. Every structural pass
/// (channel refit, low rank, importance) reads and writes the weight through this one view, so the
/// layout rules of the three ops live in one place.
/// </summary>
public sealed class MatrixLayer
{
    MatrixLayer(NodeProto node, TensorProto weight, MatrixLayerKind kind, int k, int n, int kernelArea, bool transB)
    {
        Node = node;
        Weight = weight;
        Kind = kind;
        K = k;
        N = n;
        KernelArea = kernelArea;
        TransB = transB;
    }

    /// <summary>The node.</summary>
    public NodeProto Node { get; }

    /// <summary>Its stored weight.</summary>
    public TensorProto Weight { get; }

    /// <summary>Which op.</summary>
    public MatrixLayerKind Kind { get; }

    /// <summary>Input features (rows of M).</summary>
    public int K { get; }

    /// <summary>Outputs (columns of M).</summary>
    public int N { get; }

    /// <summary>Features per input channel: kh·kw for a Conv, 1 otherwise.</summary>
    public int KernelArea { get; }

    /// <summary>Gemm's transB (the weight is stored N×K).</summary>
    public bool TransB { get; }

    /// <summary>The input value's name.</summary>
    public string Input => Node.Input[0];

    /// <summary>Axis of the stored weight that indexes input channels.</summary>
    public int InputAxis => Kind switch { MatrixLayerKind.Conv => 1, MatrixLayerKind.Gemm => TransB ? 1 : 0, _ => 0 };

    /// <summary>The view of <paramref name="node"/>, or null when it is not a plain linear layer over a stored float weight.</summary>
    public static MatrixLayer? Of(NodeProto node, IReadOnlyDictionary<string, TensorProto> initializers)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Input.Count < 2 || !initializers.TryGetValue(node.Input[1], out var w) || w.DataType != (int)TensorProto.Types.DataType.Float) return null;
        long Attr(string name, long fallback) => node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;
        switch (node.OpType)
        {
            case "Conv" when w.Dims.Count == 4 && Attr("group", 1) == 1:
                var area = (int)(w.Dims[2] * w.Dims[3]);
                return new MatrixLayer(node, w, MatrixLayerKind.Conv, (int)w.Dims[1] * area, (int)w.Dims[0], area, false);
            case "Gemm" when w.Dims.Count == 2 && Attr("transA", 0) == 0:
                var t = Attr("transB", 0) != 0;
                return new MatrixLayer(node, w, MatrixLayerKind.Gemm, (int)(t ? w.Dims[1] : w.Dims[0]), (int)(t ? w.Dims[0] : w.Dims[1]), 1, t);
            case "MatMul" when w.Dims.Count == 2:
                return new MatrixLayer(node, w, MatrixLayerKind.MatMul, (int)w.Dims[0], (int)w.Dims[1], 1, false);
            default:
                return null;
        }
    }

    /// <summary>M as a row-major K×N array.</summary>
    public float[] Matrix() => ToMatrix(OnnxTensorData.ToFloat32(Weight));

    float[] ToMatrix(float[] w)
    {
        if (Kind == MatrixLayerKind.MatMul || (Kind == MatrixLayerKind.Gemm && !TransB)) return w;
        return RowMajor.Transpose(w, N, K); // stored N×K (Conv's [C_out, C_in, kh, kw] is N×K row-major)
    }

    /// <summary>A weight tensor of this layer's layout holding M' (k×<paramref name="n"/>, row-major), k a multiple of <see cref="KernelArea"/>.</summary>
    public TensorProto FromMatrix(ReadOnlySpan<float> m, int k, int n)
    {
        if (m.Length != (long)k * n) throw new CondenseException($"{k}×{n} matrix expected, got {m.Length} values");
        return Kind switch
        {
            MatrixLayerKind.MatMul => OnnxTensorData.FromFloat32(Weight.Name, m, [k, n]),
            MatrixLayerKind.Gemm when !TransB => OnnxTensorData.FromFloat32(Weight.Name, m, [k, n]),
            MatrixLayerKind.Gemm => OnnxTensorData.FromFloat32(Weight.Name, RowMajor.Transpose(m, k, n), [n, k]),
            _ => OnnxTensorData.FromFloat32(Weight.Name, RowMajor.Transpose(m, k, n), [n, k / KernelArea, Weight.Dims[2], Weight.Dims[3]]),
        };
    }

    /// <summary>The convolution's geometry for an input of <paramref name="shape"/> ([N, C, H, W]).</summary>
    public ConvGeometry Geometry(long[] shape)
    {
        var a = Node.Attribute;
        long[] Ints(string name, long[] fallback) => a.FirstOrDefault(x => x.Name == name) is { } x && x.Ints.Count > 0 ? [.. x.Ints] : fallback;
        var pads = Ints("pads", [0, 0, 0, 0]);
        var strides = Ints("strides", [1, 1]);
        var dilations = Ints("dilations", [1, 1]);
        var autoPad = a.FirstOrDefault(x => x.Name == "auto_pad")?.S.ToStringUtf8() ?? "NOTSET";
        if (autoPad is not ("NOTSET" or "VALID" or ""))
            throw new CondenseException($"Conv '{Node.Name}': auto_pad {autoPad} is not supported by the structural passes");
        return new ConvGeometry((int)shape[1], (int)shape[2], (int)shape[3], (int)Weight.Dims[2], (int)Weight.Dims[3],
            (int)strides[0], (int)strides[1], (int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3], (int)dilations[0], (int)dilations[1]);
    }

    /// <summary>
    /// The rows X this layer multiplies for one captured input value: im2col patches for a Conv
    /// (every image of the batch), the value reshaped to [·, K] otherwise.
    /// </summary>
    public (float[] Rows, int Count) Rows(TensorProto input)
    {
        var x = OnnxTensorData.ToFloat32(input);
        if (Kind != MatrixLayerKind.Conv) return (x, x.Length / K);
        var shape = input.Dims.ToArray();
        var g = Geometry(shape);
        var image = g.InChannels * g.Height * g.Width;
        var rows = new List<float>();
        for (int b = 0; b < shape[0]; b++) rows.AddRange(Im2Col.Patches(x.AsSpan(b * image, image), g));
        return ([.. rows], (int)shape[0] * g.Patches);
    }
}
