namespace Condense.Formats;

/// <summary>Tells a safetensors file from anything else by its bytes, not its name: an 8-byte little-endian header length then a JSON object.</summary>
public static class ModelFileSniffer
{
    /// <summary>Whether the file at <paramref name="path"/> begins as a safetensors file does.</summary>
    public static bool IsSafetensors(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[9];
        if (stream.ReadAtLeast(head, 9, throwOnEndOfStream: false) < 9) return false;
        var length = BitConverter.ToUInt64(head[..8]);
        return head[8] == (byte)'{' && length >= 2 && length <= (ulong)stream.Length - 8;
    }
}
