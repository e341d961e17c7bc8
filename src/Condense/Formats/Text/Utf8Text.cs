using System.Text;

namespace Condense.Formats.Text;

/// <summary>Strict UTF-8 decoding for text files: invalid bytes are an <see cref="InvalidFileException"/>, not U+FFFD.</summary>
internal static class Utf8Text
{
    static readonly UTF8Encoding Strict = new(false, true);

    public static string Decode(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidFileException(source, $"not UTF-8 text (invalid byte at offset {ex.Index})");
        }
    }
}
