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
}
