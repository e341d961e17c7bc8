using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace Condense.Formats.Onnx;

/// <summary>
/// Moves tensors' bytes out of the protobuf into one external data file, one tensor at a time,
/// and leaves each tensor as a reference (<c>data_location = EXTERNAL</c>, <c>external_data</c>
/// entries <c>location</c>, <c>offset</c>, <c>length</c>): how ONNX stores models over 2 GiB,
/// which one protobuf message cannot hold.
/// </summary>
/// <remarks>
/// Offsets are multiples of <see cref="Alignment"/> (4096, a page), so ONNX Runtime can map a
/// tensor straight from the file, as the ONNX checker's own <c>save_model(…, all_tensors_to_one_file=True)</c>
/// aligns them. Only the bytes of the tensor being written are in memory; the file is written
/// where the caller says (a staging folder, see <see cref="OnnxStagedOutput"/>) under the name the
/// references record.
/// </remarks>
internal sealed class OnnxExternalDataWriter : IDisposable
{
    /// <summary>Offset alignment of every tensor in the data file.</summary>
    public const int Alignment = 4096;

    readonly FileStream _file;
    bool _disposed;

    /// <param name="path">The data file to create (it must not exist).</param>
    /// <param name="location">The name references record: the data file's path relative to the model's folder.</param>
    /// <param name="minBytes">Tensors with fewer payload bytes stay inside the protobuf (default 1024, as ONNX's size_threshold).</param>
    public OnnxExternalDataWriter(string path, string location, long minBytes = 1024)
    {
        if (string.IsNullOrEmpty(location) || Path.IsPathRooted(location) || location.Split('/', '\\').Contains(".."))
            throw new CondenseException($"external data location '{location}' must be a relative path inside the model's folder");
        if (minBytes < 0) throw new CondenseException($"external data minimum bytes must be ≥ 0, not {minBytes}");
        FilePath = path;
        Location = location;
        MinBytes = minBytes;
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 20);
    }

    /// <summary>Where the data file is being written.</summary>
    public string FilePath { get; }

    /// <summary>The relative location recorded in the references.</summary>
    public string Location { get; }

    /// <summary>Smallest payload moved out of the protobuf.</summary>
    public long MinBytes { get; }

    /// <summary>Bytes written so far (with alignment padding).</summary>
    public long Length => _file.Length;

    /// <summary>Tensors written.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Moves <paramref name="tensor"/>'s payload (raw or typed fields; not strings) into the file
    /// when it has at least <see cref="MinBytes"/> bytes, leaving a reference; smaller tensors,
    /// string tensors and tensors already external are left as they are. Returns true when moved.
    /// </summary>
    public bool Move(TensorProto tensor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (OnnxTensorData.IsExternal(tensor) || OnnxTensorData.ElementSize(tensor.DataType) == 0) return false;
        var bytes = tensor.HasRawData ? tensor.RawData : null;
        var length = bytes?.Length ?? OnnxTensorData.DenseBytes(tensor);
        if (length < MinBytes) return false;
        if (bytes is null) bytes = UnsafeByteOperations.UnsafeWrap(OnnxTensorData.ToRawBytes(tensor));
        Append(tensor, bytes.Span);
        return true;
    }

    /// <summary>Writes <paramref name="payload"/> (the tensor's raw little-endian bytes) and turns <paramref name="tensor"/> into a reference to it.</summary>
    public void Append(TensorProto tensor, ReadOnlySpan<byte> payload)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var expected = OnnxTensorData.DenseBytes(tensor);
        if (payload.Length != expected)
            throw new CondenseException($"tensor '{tensor.Name}': {payload.Length} bytes given but its dims need {expected}");
        var offset = (_file.Length + Alignment - 1) / Alignment * Alignment;
        if (offset > _file.Length)
        {
            _file.Seek(0, SeekOrigin.End);
            _file.Write(new byte[offset - _file.Length]);
        }
        _file.Write(payload);
        tensor.ClearRawData();
        tensor.FloatData.Clear();
        tensor.Int32Data.Clear();
        tensor.Int64Data.Clear();
        tensor.DoubleData.Clear();
        tensor.Uint64Data.Clear();
        tensor.ExternalData.Clear();
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = Location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = payload.Length.ToString(CultureInfo.InvariantCulture) });
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        Count++;
    }

    /// <summary>Flushes the file to disk (call before renaming it into place).</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _file.Flush(flushToDisk: true);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _file.Dispose();
    }
}
