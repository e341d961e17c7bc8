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
    /// Every weight tensor of the model: per graph (the main graph first, then the bodies of
    /// <c>If</c>/<c>Loop</c>/<c>Scan</c> nodes, nested to any depth, each tagged with its
    /// <see cref="OnnxParameter.GraphPath"/>), initializers, then <c>Constant</c> nodes' values.
    /// </summary>
    public IReadOnlyList<OnnxParameter> Parameters
    {
        get
        {
            var list = new List<OnnxParameter>();
            foreach (var (graph, path) in OnnxSubgraphs.Walk(Proto.Graph))
            {
                foreach (var t in graph.Initializer)
                    list.Add(new OnnxParameter(t.Name, OnnxParameterSource.Initializer, t) { GraphPath = path, Graph = graph });
                foreach (var node in graph.Node)
                {
                    if (ConstantTensor(node) is { } t && node.Output.Count == 1)
                        list.Add(new OnnxParameter(node.Output[0], OnnxParameterSource.ConstantNode, t) { GraphPath = path, Graph = graph });
                }
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
            LoadExternalData(t);
    }

    /// <summary>Copies one external tensor's bytes into its <c>raw_data</c> (one tensor in memory, not the model).</summary>
    public void LoadExternalData(TensorProto t)
    {
        if (!OnnxTensorData.IsExternal(t)) return;
        var bytes = ReadExternal(t);
        t.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
        t.ExternalData.Clear();
        t.ClearDataLocation();
    }

    /// <summary>
    /// Reads one external tensor's payload with positioned reads (the reader checked its path,
    /// offset and length; a data file that shrank since is an <see cref="InvalidFileException"/>
    /// naming it).
    /// </summary>
    public byte[] ReadExternal(TensorProto t)
    {
        if (Directory is null) throw new InvalidFileException(Source, $"tensor '{t.Name}' has external data but the model has no folder");
        var path = OnnxValidator.ResolveExternal(Source, Directory, t);
        var offset = long.TryParse(OnnxTensorData.ExternalValue(t, "offset"), out var o) ? o : 0;
        var length = OnnxTensorData.DenseBytes(t);
        if (length < 0 || length > Array.MaxLength)
            throw new InvalidFileException(path, $"tensor '{t.Name}' of {length} bytes is too large to read as one array");
        var bytes = new byte[length];
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var span = bytes.AsSpan();
            var at = offset;
            while (span.Length > 0)
            {
                var n = RandomAccess.Read(handle, span, at);
                if (n == 0) throw new InvalidFileException(path, $"external data of tensor '{t.Name}' ({offset}+{length}) runs past the end of the file");
                span = span[n..];
                at += n;
            }
        }
        catch (IOException ex)
        {
            throw new InvalidFileException(path, $"cannot read external data of tensor '{t.Name}': {ex.Message}");
        }
        return bytes;
    }

    /// <summary>True when some tensor keeps its bytes in an external file.</summary>
    public bool HasExternalData => OnnxValidator.AllTensors(Proto.Graph).Any(OnnxTensorData.IsExternal);

    /// <summary>Bytes on disk: the model file plus every distinct external data file its initializers read (0 for a model from memory).</summary>
    public long FileBytes
    {
        get
        {
            if (Directory is null || !File.Exists(Source)) return 0;
            var files = new HashSet<string>(StringComparer.Ordinal) { Path.GetFullPath(Source) };
            foreach (var t in OnnxValidator.AllTensors(Proto.Graph).Where(OnnxTensorData.IsExternal))
                files.Add(OnnxValidator.ResolveExternal(Source, Directory, t));
            return files.Sum(f => new FileInfo(f).Length);
        }
    }

    /// <summary>Payload bytes of every tensor, wherever it is stored.</summary>
    public long TensorBytes => OnnxValidator.AllTensors(Proto.Graph).Sum(OnnxTensorData.StoredBytes);

    /// <summary>The model serialised as protobuf bytes.</summary>
    public byte[] ToByteArray() => Proto.ToByteArray();
}
