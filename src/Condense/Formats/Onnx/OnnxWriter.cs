using Google.Protobuf;
using Onnx;

namespace Condense.Formats.Onnx;

/// <summary>
/// Writes ONNX models through <see cref="AtomicFile"/>: the target appears complete or not at all.
/// Fields the schema does not know (newer IR versions) are written back as they were read.
/// </summary>
public static class OnnxWriter
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> as a single file.</summary>
    public static void Write(string path, ModelProto model)
    {
        var tooBig = model.CalculateSize();
        if (tooBig < 0) throw new CondenseException($"{path}: model is over 2 GiB; protobuf cannot hold it");
        AtomicFile.Write(path, stream => model.WriteTo(stream));
    }

    /// <summary>Writes a read model (external data is copied in first, so the file stands alone).</summary>
    public static void Write(string path, OnnxModel model)
    {
        model.LoadExternalData();
        Write(path, model.Proto);
    }

    /// <summary>
    /// Writes <paramref name="model"/> as <paramref name="path"/> plus <c>{name}.data</c> beside it,
    /// every tensor of the main graph's initializers with at least <paramref name="minBytes"/>
    /// bytes moved to the data file (4096-aligned), both renamed into place only when complete
    /// (data first). <paramref name="model"/> is not modified.
    /// </summary>
    public static void WriteExternal(string path, OnnxModel model, long minBytes = 1024)
    {
        var proto = model.Proto.Clone();
        var copy = new OnnxModel(proto, model.Source, model.Directory);
        using var staged = new OnnxStagedOutput(path);
        // Attribute and subgraph tensors stay inside the protobuf (ONNX Runtime resolves external
        // data for initializers); only main-graph initializers move.
        var initializers = new HashSet<TensorProto>(proto.Graph.Initializer, ReferenceEqualityComparer.Instance);
        foreach (var t in OnnxValidator.AllTensors(proto.Graph).Where(OnnxTensorData.IsExternal).ToList())
            if (!initializers.Contains(t)) copy.LoadExternalData(t);
        using (var data = new OnnxExternalDataWriter(staged.DataPath, staged.DataLocation, minBytes))
        {
            foreach (var t in proto.Graph.Initializer)
            {
                if (OnnxTensorData.IsExternal(t))
                {
                    // One tensor at a time from the source's data file.
                    var bytes = copy.ReadExternal(t);
                    t.ExternalData.Clear();
                    t.ClearDataLocation();
                    data.Append(t, bytes);
                }
                else data.Move(t);
            }
            data.Complete();
        }
        Write(staged.ModelPath, proto);
        staged.Commit();
    }
}
