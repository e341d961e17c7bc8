using Google.Protobuf;
using Onnx;

namespace Condense.Formats.Onnx;

/// <summary>
/// Reads ONNX models defensively: the file size is checked before a byte is read, parsing runs
/// under explicit size and recursion limits, and every tensor and graph is checked (shape ×
/// type against the stored bytes with overflow checks, external files inside the model's
/// folder, no dangling inputs, no cycles) before the model is handed out. Anything wrong is an
/// <see cref="InvalidFileException"/>; nothing else escapes for hostile input.
/// </summary>
public static class OnnxReader
{
    /// <summary>Reads and checks the model at <paramref name="path"/>.</summary>
    public static OnnxModel Read(string path, OnnxReadOptions? options = null)
    {
        options ??= OnnxReadOptions.Default;
        var info = new FileInfo(path);
        if (!info.Exists) throw new InvalidFileException(path, "no such file");
        if (info.Length == 0) throw new InvalidFileException(path, "empty file (an ONNX model has at least a graph)");
        if (info.Length > options.MaxFileBytes)
            throw new InvalidFileException(path, $"file is {info.Length} bytes, over the limit of {options.MaxFileBytes}");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidFileException(path, $"cannot read: {ex.Message}");
        }
        return ParseArray(bytes, path, Path.GetDirectoryName(Path.GetFullPath(path)), options);
    }

    /// <summary>
    /// Parses and checks model bytes. <paramref name="directory"/> is where external data may be
    /// read from (null: external data is refused).
    /// </summary>
    public static OnnxModel Parse(ReadOnlySpan<byte> bytes, string source, string? directory = null, OnnxReadOptions? options = null)
    {
        options ??= OnnxReadOptions.Default;
        if (bytes.Length > options.MaxFileBytes)
            throw new InvalidFileException(source, $"model is {bytes.Length} bytes, over the limit of {options.MaxFileBytes}");
        return ParseArray(bytes.ToArray(), source, directory, options);
    }

    static OnnxModel ParseArray(byte[] bytes, string source, string? directory, OnnxReadOptions options)
    {
        if (bytes.Length == 0) throw new InvalidFileException(source, "empty file (an ONNX model has at least a graph)");
        if (bytes.Length > options.MaxFileBytes)
            throw new InvalidFileException(source, $"model is {bytes.Length} bytes, over the limit of {options.MaxFileBytes}");
        ModelProto proto;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var input = CodedInputStream.CreateWithLimits(stream, (int)Math.Min(options.MaxFileBytes, int.MaxValue), options.MaxRecursionDepth);
            proto = ModelProto.Parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidFileException(source, $"not a valid ONNX protobuf (truncated or corrupt): {ex.Message}");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidFileException(source, $"not a valid ONNX protobuf: {ex.Message}");
        }
        OnnxValidator.Check(proto, source, directory, options);
        return new OnnxModel(proto, source, directory);
    }
}
