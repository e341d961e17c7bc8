using Condense.Formats;
using Condense.Formats.Onnx;
using Condense.Studio.Hosting;

namespace Condense.Studio.Pages;

/// <summary>
/// One model uploaded to page 7: streamed to <c>model</c> in its own server-made folder, recognised
/// by content (an ONNX protobuf opens with field 1's tag 0x08; safetensors with an 8-byte length
/// and '{'), read with the library's readers (ONNX external data only from inside that folder,
/// which holds nothing else), plus the data uploaded for it and its analysis. Disposing removes
/// the folder and the analysis's ONNX Runtime session.
/// </summary>
internal sealed class ModelUpload : IDisposable
{
    ModelUpload(string name, string folder, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata, OnnxModel? onnx)
    {
        (Name, Folder, Tensors, Metadata, Onnx) = (name, folder, tensors, metadata, onnx);
    }

    /// <summary>The upload's own name: messages and download names only, never a path.</summary>
    public string Name { get; }

    /// <summary>The server-made folder holding <see cref="ModelPath"/> and the data.</summary>
    public string Folder { get; }

    public string ModelPath => Path.Combine(Folder, "model");

    /// <summary>The data file as uploaded, inside <see cref="Folder"/>.</summary>
    public const string DataFile = "data-upload";

    /// <summary>Where a data zip is unpacked, inside <see cref="Folder"/>.</summary>
    public const string DataFolder = "data";

    public IReadOnlyList<NamedTensor> Tensors { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The ONNX model, or null for safetensors.</summary>
    public OnnxModel? Onnx { get; }

    /// <summary>Data uploaded for this model (resolved), or null: then figures come from seeded random inputs.</summary>
    public UploadedData.Resolved? Data { get; set; }

    /// <summary>The data's name as uploaded.</summary>
    public string? DataName { get; set; }

    /// <summary>Bumped on each data upload: figures measured on other data are not reused.</summary>
    public int DataVersion { get; set; }

    /// <summary>The analysis and planner of this model, once started.</summary>
    public ModelAnalysisJob? Analysis { get; set; }

    /// <summary>Reads the file at <paramref name="folder"/>/model, by content.</summary>
    public static ModelUpload Read(string folder, string name)
    {
        var path = Path.Combine(folder, "model");
        Span<byte> head = stackalloc byte[9];
        int n;
        using (var stream = File.OpenRead(path)) n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        try
        {
            if (OnnxSniffer.LooksLikeOnnx(head[..n]))
            {
                var model = OnnxReader.Read(path);
                // Weights of control-flow bodies carry their graph's path: two If branches may both hold a "W".
                var parameters = model.Parameters
                    .Select(p => (Name: p.GraphPath.Length > 0 ? $"{p.GraphPath}/{p.Name}" : p.Name, p))
                    .Select(x => OnnxTensorData.IsFloat(x.p.Tensor.DataType)
                        ? NamedTensor.FromFloat32(x.Name, OnnxTensorData.ToFloat32(x.p.Tensor), x.p.Shape)
                        : new NamedTensor(x.Name, TensorDType.U8, [0], []))
                    .ToList();
                if (parameters.Count == 0) throw new InvalidFileException(name, "the model has no weights to compress");
                return new ModelUpload(name, folder, parameters, new Dictionary<string, string>(), model);
            }
            var (tensors, metadata) = SafetensorsReader.ReadAll(path);
            if (tensors.Count == 0) throw new InvalidFileException(name, "the file holds no tensors");
            return new ModelUpload(name, folder, tensors, metadata, null);
        }
        catch (CondenseException ex)
        {
            // The library names the file it read; the reader knows it by its own name.
            throw new CondenseException(ex.Message.Replace(path, name, StringComparison.Ordinal));
        }
    }

    public void Dispose()
    {
        Analysis?.Dispose();
        UploadFolders.Remove(Folder);
    }
}
