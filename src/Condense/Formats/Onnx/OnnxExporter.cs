using Condense.Models;
using Onnx;
using static TorchSharp.torch;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Formats.Onnx;

/// <summary>
/// Exports Condense's trained networks to ONNX for inference: input normalisation as Sub/Div,
/// each linear layer as <c>Gemm</c> (transB = 1, so the weight keeps PyTorch's [out, in] layout
/// and its safetensors name, <c>fc1.weight</c>), ReLU between layers, and LogSoftmax
/// (classifiers) or Sigmoid (autoencoder) at the end. Dropout is an identity at inference and
/// is left out. The batch dimension is symbolic ("batch").
/// </summary>
public static class OnnxExporter
{
    /// <summary>The opset written (17: every op used here is stable since long before).</summary>
    public const long Opset = 17;

    /// <summary>Metadata key naming the data set the model was trained on (lets the verifier use real inputs).</summary>
    public const string DataSetKey = "condense.data";

    /// <param name="model">The trained model.</param>
    /// <param name="dataSet">The data set it was trained on (<c>mnist10k</c>, <c>fashion</c>), recorded as metadata.</param>
    public static ModelProto Export(CondenseModel model, string? dataSet = null)
    {
        if (model is not MlpModel mlp)
            throw new CondenseException($"ONNX export supports the MLP models (classifier, autoencoder, lenet300), not {model.GetType().Name}");
        var graph = new GraphProto { Name = mlp.Kind.ToString() };
        graph.Input.Add(Value("input", mlp.Sizes[0]));
        graph.Output.Add(Value("output", mlp.Sizes[^1]));
        var x = "input";
        if (mlp.Normalization is { } n)
        {
            graph.Initializer.Add(OnnxTensorData.FromFloat32("normalization.mean", [n.Mean], []));
            graph.Initializer.Add(OnnxTensorData.FromFloat32("normalization.std", [n.Std], []));
            graph.Node.Add(Node("Sub", ["input", "normalization.mean"], "centred"));
            graph.Node.Add(Node("Div", ["centred", "normalization.std"], "normalized"));
            x = "normalized";
        }
        using (NewDisposeScope())
        {
            for (int i = 0; i < mlp.Layers.Count; i++)
            {
                var (name, layer) = mlp.Layers[i];
                var weight = layer.weight ?? throw new CondenseException($"layer {name} has no weight");
                graph.Initializer.Add(OnnxTensorData.FromFloat32($"{name}.weight", weight.detach().cpu().contiguous().data<float>().ToArray(), weight.shape));
                var inputs = new List<string> { x, $"{name}.weight" };
                if (layer.bias is { } bias)
                {
                    graph.Initializer.Add(OnnxTensorData.FromFloat32($"{name}.bias", bias.detach().cpu().contiguous().data<float>().ToArray(), bias.shape));
                    inputs.Add($"{name}.bias");
                }
                var gemm = Node("Gemm", [.. inputs], name);
                gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
                graph.Node.Add(gemm);
                x = name;
                if (i + 1 < mlp.Layers.Count)
                {
                    graph.Node.Add(Node("Relu", [x], $"{name}.relu"));
                    x = $"{name}.relu";
                }
            }
        }
        if (mlp.IsClassifier)
        {
            var softmax = Node("LogSoftmax", [x], "output");
            softmax.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
            graph.Node.Add(softmax);
        }
        else graph.Node.Add(Node("Sigmoid", [x], "output"));

        var proto = new ModelProto { IrVersion = 8, ProducerName = "condense", ProducerVersion = "1", Graph = graph };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (k, v) in mlp.Describe().OrderBy(kv => kv.Key, StringComparer.Ordinal))
            proto.MetadataProps.Add(new StringStringEntryProto { Key = $"condense.{k}", Value = v });
        if (dataSet is not null) proto.MetadataProps.Add(new StringStringEntryProto { Key = DataSetKey, Value = dataSet });
        return proto;
    }

    /// <summary>A node named after its one output (the graphs Condense writes have one output per node).</summary>
    internal static NodeProto Node(string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    /// <summary>A float input or output of shape [batch, features].</summary>
    internal static ValueInfoProto Value(string name, long features)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = features });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float, Shape = shape } },
        };
    }
}
