using Condense.Hashing;
using Onnx;

namespace Condense.Formats.Onnx.Cnn;

/// <summary>
/// Exports a <see cref="HashedCnn"/> to ONNX: the CNN's own graph (<see cref="CnnOnnxExporter"/>)
/// in which every Conv and Gemm weight is rebuilt by ONNX Runtime from the layer's pool —
/// Gather from the signed pool by a constant index table shaped like the weight, as
/// <see cref="HashedOnnxExporter"/> does for MLPs — instead of being stored dense. Like the MLP
/// export, the index tables make the file about as large as the dense model's: it exists so that a
/// standard runtime checks the hashed network; the compact form is <see cref="HashedCnnFile"/>.
/// </summary>
public static class HashedCnnOnnxExporter
{
    /// <summary>Builds the graph (not yet run: see <see cref="Write"/>), with the hashed model's metadata.</summary>
    public static CnnOnnxExporter.Export Build(HashedCnn model, string? dataSet = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var layers = model.HashedLayers.Select((l, i) => (l.Name, i, l.Shape)).ToDictionary(l => l.Name, StringComparer.Ordinal);
        var export = CnnOnnxExporter.Build(model.Net, dataSet, (graph, layer) =>
        {
            if (!layers.TryGetValue(layer, out var l)) return null;
            var (index, sign, pool, reduction) = model.Tables(l.i);
            var output = $"{layer}.weight";
            HashedOnnxExporter.AddHashed(graph, layer, pool, index, sign, reduction, [.. l.Shape], output);
            return output;
        });
        var metadata = export.Model.MetadataProps;
        var keep = metadata.Where(p => p.Key == OnnxExporter.DataSetKey).ToArray();
        metadata.Clear();
        foreach (var (k, v) in model.Describe().OrderBy(kv => kv.Key, StringComparer.Ordinal))
            metadata.Add(new StringStringEntryProto { Key = $"condense.{k}", Value = v });
        metadata.Add(keep);
        return export;
    }

    /// <summary>Builds, runs in ONNX Runtime on <paramref name="probe"/> (count × 784 pixels) against TorchSharp, and writes the graph.</summary>
    public static CnnOnnxExporter.Export Write(string path, HashedCnn model, float[] probe, int count, string? dataSet = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var export = Build(model, dataSet);
        CnnOnnxExporter.Verify(model.Net, export.Model, probe, count);
        OnnxWriter.Write(path, export.Model);
        return export;
    }
}
