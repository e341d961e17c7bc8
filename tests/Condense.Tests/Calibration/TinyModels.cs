using Condense.Formats.Onnx;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Tests.Calibration;

/// <summary>Small ONNX models (Identity per input) with the inputs a data test needs; dims ≤ 0 are symbolic.</summary>
internal static class TinyModels
{
    public static OnnxModel Make(params (string Name, DataType Type, long[] Dims)[] inputs)
    {
        var graph = new GraphProto { Name = "tiny" };
        foreach (var (name, type, dims) in inputs)
        {
            var shape = new TensorShapeProto();
            foreach (var d in dims)
                shape.Dim.Add(d > 0 ? new TensorShapeProto.Types.Dimension { DimValue = d } : new TensorShapeProto.Types.Dimension { DimParam = $"d{shape.Dim.Count}" });
            graph.Input.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } });
            graph.Output.Add(new ValueInfoProto { Name = name + "_out", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type } } });
            graph.Node.Add(new NodeProto { OpType = "Identity", Input = { name }, Output = { name + "_out" } });
        }
        var model = new ModelProto { IrVersion = 7, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return OnnxReader.Parse(model.ToByteArray(), "tiny.onnx");
    }

    public static OnnxModel Image(int channels = 3, int size = 8) => Make(("pixels", DataType.Float, [1, channels, size, size]));

    public static OnnxModel Text() => Make(("input_ids", DataType.Int64, [0, 0]), ("attention_mask", DataType.Int64, [0, 0]), ("token_type_ids", DataType.Int64, [0, 0]));
}
