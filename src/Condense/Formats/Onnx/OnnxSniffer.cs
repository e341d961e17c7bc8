namespace Condense.Formats.Onnx;

/// <summary>
/// Tells an ONNX model from Condense's safetensors by content, not by name: safetensors opens with
/// an 8-byte header length and then '{'; an ONNX ModelProto opens with a protobuf field tag
/// (ir_version is field 1, varint: 0x08). Commands that take either dispatch on this.
/// </summary>
public static class OnnxSniffer
{
    /// <summary>Whether the file at <paramref name="path"/> looks like an ONNX model (missing files: false).</summary>
    public static bool LooksLikeOnnx(string path)
    {
        if (!File.Exists(path)) return false;
        Span<byte> head = stackalloc byte[9];
        using var stream = File.OpenRead(path);
        var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return LooksLikeOnnx(head[..n]);
    }

    /// <summary>Whether a file opening with <paramref name="head"/> (its first 9 bytes or fewer) looks like an ONNX model.</summary>
    public static bool LooksLikeOnnx(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 9 && head[8] == (byte)'{') return false;
        return head.Length > 0 && head[0] == 0x08;
    }
}
