using Google.Protobuf;
using Onnx;

namespace Condense.Formats.Onnx;

/// <summary>
/// A parsed, checked ONNX model: the protobuf message (generated from Debian's official
/// <c>onnx.proto</c>, so fields this schema does not know are kept and written back), the name
/// of its source, and the folder its external data files are resolved against.
/// </summary>
public sealed class OnnxModel
{
    internal OnnxModel(ModelProto proto, string source, string? directory)
    {
        Proto = proto;
        Source = source;
        Directory = directory;
    }

    /// <summary>The model message; edit it freely, then write it with <see cref="OnnxWriter"/>.</summary>
    public ModelProto Proto { get; }

    /// <summary>The file path, or a name for bytes parsed from memory.</summary>
    public string Source { get; }

    /// <summary>The model's folder (external data lives below it); null for models from memory.</summary>
    public string? Directory { get; }

    /// <summary>The opset version of the default (<c>ai.onnx</c>) domain; 1 when absent.</summary>
    public long DefaultOpset =>
        Proto.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();

    /// <summary>
    /// Every weight tensor of the main graph: initializers, then <c>Constant</c> nodes' values.
    /// </summary>
    public IReadOnlyList<OnnxParameter> Parameters
    {
        get
        {
            var list = Proto.Graph.Initializer
                .Select(t => new OnnxParameter(t.Name, OnnxParameterSource.Initializer, t)).ToList();
            foreach (var node in Proto.Graph.Node)
            {
                if (ConstantTensor(node) is { } t && node.Output.Count == 1)
                    list.Add(new OnnxParameter(node.Output[0], OnnxParameterSource.ConstantNode, t));
            }
            return list;
        }
    }

    internal static TensorProto? ConstantTensor(NodeProto node) =>
        node.OpType == "Constant" && node.Domain is "" or "ai.onnx"
            ? node.Attribute.FirstOrDefault(a => a.Name == "value" && a.T is not null && a.Type == AttributeProto.Types.AttributeType.Tensor)?.T
            : null;

    /// <summary>
    /// Copies every external tensor's bytes into <c>raw_data</c> (paths were checked by the
    /// reader), so the model can be written anywhere as a single file.
    /// </summary>
    public void LoadExternalData()
    {
        foreach (var t in OnnxValidator.AllTensors(Proto.Graph).Where(OnnxTensorData.IsExternal))
        {
            if (Directory is null) throw new InvalidFileException(Source, $"tensor '{t.Name}' has external data but the model has no folder");
            var path = OnnxValidator.ResolveExternal(Source, Directory, t);
            var offset = long.TryParse(OnnxTensorData.ExternalValue(t, "offset"), out var o) ? o : 0;
            var length = OnnxTensorData.DenseBytes(t);
            var bytes = new byte[length];
            using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                f.Seek(offset, SeekOrigin.Begin);
                f.ReadExactly(bytes);
            }
            t.RawData = ByteString.CopyFrom(bytes);
            t.ExternalData.Clear();
            t.ClearDataLocation();
        }
    }

    /// <summary>The model serialised as protobuf bytes.</summary>
    public byte[] ToByteArray() => Proto.ToByteArray();
}
