using System.Buffers.Binary;
using Condense.Hashing;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Formats.Onnx;

/// <summary>
/// Exports a <see cref="HashedMlp"/> to ONNX so that ONNX Runtime, not Condense, rebuilds each
/// virtual matrix from the pool: <c>Gather(Concat(pool, −pool), index)</c> for HashedNets (the
/// sign ξ is folded into the index: entry K + b reads −w[b]), <c>MatMul(U, V)</c> cut and reshaped
/// for the structured variant; then <c>Gemm</c> as in <see cref="OnnxExporter"/>.
/// </summary>
/// <remarks>
/// ONNX has no hash operator, so HashedNets' index table must be stored: 2 bytes per virtual
/// weight when 2K ≤ 65,536 (uint16, cast to int32 in the graph), else 4. The file is therefore
/// about as large as the dense model's — it exists so that a standard runtime verifies the hashed
/// network's outputs; the compact form is <see cref="HashedModelFile"/> (pools and seeds only).
/// Multi-hashing (m &gt; 1) stores m index tables: one Gather per hash function, combined by
/// the reduction's own operator (Sum then Mul by 1/√m, a chain of Mul, Max or Min), so the
/// file grows with m while the pool does not.
/// </remarks>
public static class HashedOnnxExporter
{
    /// <summary>Builds the ONNX model of a hashed network: its pools with index tables (or factor matrices) that ONNX Runtime expands, so a standard runtime checks the hashed network's outputs.</summary>
    public static ModelProto Export(HashedMlp model)
    {
        var graph = new GraphProto { Name = "HashedMlp" };
        graph.Input.Add(OnnxExporter.Value("input", model.Sizes[0]));
        graph.Output.Add(OnnxExporter.Value("output", model.Sizes[^1]));
        var n = model.Normalization;
        graph.Initializer.Add(OnnxTensorData.FromFloat32("normalization.mean", [n.Mean], []));
        graph.Initializer.Add(OnnxTensorData.FromFloat32("normalization.std", [n.Std], []));
        graph.Node.Add(OnnxExporter.Node("Sub", ["input", "normalization.mean"], "centred"));
        graph.Node.Add(OnnxExporter.Node("Div", ["centred", "normalization.std"], "normalized"));
        var x = "normalized";
        for (var i = 0; i < model.VirtualLayers.Count; i++)
        {
            var (name, layer) = model.VirtualLayers[i];
            var weight = $"{name}.weight";
            switch (layer)
            {
                case HashedLinear hashed:
                    AddHashed(graph, name, hashed.Pool, hashed.Index, hashed.Sign, hashed.Reduction, [hashed.OutFeatures, hashed.InFeatures], weight);
                    break;
                case StructuredHashedLinear structured:
                    AddStructured(graph, name, structured, weight);
                    break;
                default:
                    throw new CondenseException($"layer {name}: cannot export {layer.GetType().Name} to ONNX");
            }
            graph.Initializer.Add(OnnxTensorData.FromFloat32($"{name}.bias", Floats(layer.Bias), [layer.OutFeatures]));
            var gemm = OnnxExporter.Node("Gemm", [x, weight, $"{name}.bias"], name);
            gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
            graph.Node.Add(gemm);
            x = name;
            if (i + 1 < model.VirtualLayers.Count)
            {
                graph.Node.Add(OnnxExporter.Node("Relu", [x], $"{name}.relu"));
                x = $"{name}.relu";
            }
        }
        var softmax = OnnxExporter.Node("LogSoftmax", [x], "output");
        softmax.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(softmax);

        var proto = new ModelProto { IrVersion = 8, ProducerName = "condense", ProducerVersion = "1", Graph = graph };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxExporter.Opset });
        foreach (var (k, v) in model.Describe().OrderBy(kv => kv.Key, StringComparer.Ordinal))
            proto.MetadataProps.Add(new StringStringEntryProto { Key = $"condense.{k}", Value = v });
        return proto;
    }

    /// <summary>
    /// Emits the nodes that rebuild one hashed weight of shape <paramref name="dims"/> from its
    /// pool (<c>{name}.pool</c>) and m × numel tables into value <paramref name="output"/>: the
    /// signed pool Concat(w, −w), one Gather per hash by the constant index table of shape
    /// <paramref name="dims"/> (sign folded in), then the reduction. Shared by the MLP and the CNN
    /// exports (a conv kernel is gathered straight into out × in/groups × k × k).
    /// </summary>
    internal static void AddHashed(GraphProto graph, string name, TorchSharp.torch.Tensor poolTensor, TorchSharp.torch.Tensor indexTensor,
        TorchSharp.torch.Tensor signTensor, HashReduction reduction, long[] dims, string output)
    {
        var pool = poolTensor.shape[0];
        graph.Initializer.Add(OnnxTensorData.FromFloat32($"{name}.pool", Floats(poolTensor), [pool]));
        graph.Node.Add(OnnxExporter.Node("Neg", [$"{name}.pool"], $"{name}.pool.negated"));
        var concat = OnnxExporter.Node("Concat", [$"{name}.pool", $"{name}.pool.negated"], $"{name}.pool.signed");
        concat.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        graph.Node.Add(concat);

        long[] index;
        float[] sign;
        using (var i = indexTensor.contiguous()) index = i.data<long>().ToArray();
        using (var s = signTensor.contiguous()) sign = s.data<float>().ToArray();
        var m = (int)indexTensor.shape[0];
        var n = index.Length / m;
        var reads = new List<string>();
        for (var h = 0; h < m; h++)
        {
            var suffix = m == 1 ? "" : $".{h}";
            var indices = $"{name}.index{suffix}";
            var read = m == 1 ? output : $"{name}.read{suffix}";
            if (2 * pool <= 65_536)
            {
                var bytes = new byte[n * 2];
                for (var k = 0; k < n; k++)
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * k), (ushort)(index[h * n + k] + (sign[h * n + k] < 0 ? pool : 0)));
                graph.Initializer.Add(OnnxTensorData.Raw($"{name}.index{suffix}.u16", DataType.Uint16, bytes, dims));
                var cast = OnnxExporter.Node("Cast", [$"{name}.index{suffix}.u16"], indices);
                cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)DataType.Int32 });
                graph.Node.Add(cast);
            }
            else
            {
                var folded = new int[n];
                for (var k = 0; k < n; k++) folded[k] = (int)(index[h * n + k] + (sign[h * n + k] < 0 ? pool : 0));
                graph.Initializer.Add(OnnxTensorData.Int32(indices, folded, dims));
            }
            var gather = OnnxExporter.Node("Gather", [$"{name}.pool.signed", indices], read);
            gather.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
            graph.Node.Add(gather);
            reads.Add(read);
        }
        if (m > 1) AddReduction(graph, name, reduction, reads, output);
    }

    /// <summary>Combines the m gathered matrices as <see cref="HashedLinear.VirtualWeight(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, int, int, HashReduction)"/> does.</summary>
    static void AddReduction(GraphProto graph, string name, HashReduction reduction, List<string> reads, string output)
    {
        switch (reduction)
        {
            case HashReduction.Sum:
                graph.Node.Add(OnnxExporter.Node("Sum", [.. reads], $"{name}.read.sum"));
                graph.Initializer.Add(OnnxTensorData.FromFloat32($"{name}.read.scale", [(float)(1 / Math.Sqrt(reads.Count))], []));
                graph.Node.Add(OnnxExporter.Node("Mul", [$"{name}.read.sum", $"{name}.read.scale"], output));
                break;
            case HashReduction.Product:
                var x = reads[0];
                for (var k = 1; k < reads.Count; k++)
                {
                    var y = k + 1 == reads.Count ? output : $"{name}.read.prod.{k}";
                    graph.Node.Add(OnnxExporter.Node("Mul", [x, reads[k]], y));
                    x = y;
                }
                break;
            case HashReduction.Max:
                graph.Node.Add(OnnxExporter.Node("Max", [.. reads], output));
                break;
            case HashReduction.Min:
                graph.Node.Add(OnnxExporter.Node("Min", [.. reads], output));
                break;
            default:
                throw new CondenseException($"unknown reduction '{reduction}'");
        }
    }

    static void AddStructured(GraphProto graph, string name, StructuredHashedLinear layer, string output)
    {
        graph.Initializer.Add(OnnxTensorData.FromFloat32($"{name}.u", Floats(layer.U), [layer.Rows, layer.Rank]));
        graph.Initializer.Add(OnnxTensorData.FromFloat32($"{name}.v", Floats(layer.V), [layer.Rank, layer.Columns]));
        graph.Initializer.Add(OnnxTensorData.Int64($"{name}.flat", [-1], 1));
        graph.Initializer.Add(OnnxTensorData.Int64($"{name}.start", [0], 1));
        graph.Initializer.Add(OnnxTensorData.Int64($"{name}.end", [(long)layer.OutFeatures * layer.InFeatures], 1));
        graph.Initializer.Add(OnnxTensorData.Int64($"{name}.shape", [layer.OutFeatures, layer.InFeatures], 2));
        graph.Node.Add(OnnxExporter.Node("MatMul", [$"{name}.u", $"{name}.v"], $"{name}.theta"));
        graph.Node.Add(OnnxExporter.Node("Reshape", [$"{name}.theta", $"{name}.flat"], $"{name}.theta.flat"));
        graph.Node.Add(OnnxExporter.Node("Slice", [$"{name}.theta.flat", $"{name}.start", $"{name}.end"], $"{name}.theta.cut"));
        graph.Node.Add(OnnxExporter.Node("Reshape", [$"{name}.theta.cut", $"{name}.shape"], output));
    }

    static float[] Floats(TorchSharp.torch.Tensor t)
    {
        using var c = t.detach().cpu().contiguous();
        return c.data<float>().ToArray();
    }
}
