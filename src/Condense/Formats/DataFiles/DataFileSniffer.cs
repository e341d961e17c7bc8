using System.Text;
using Condense.Formats.Npy;

namespace Condense.Formats.DataFiles;

/// <summary>
/// Recognises a data path by content, not by extension: a folder is photos, <c>\x93NUMPY</c>
/// opens a <c>.npy</c>, a zip header a <c>.npz</c>, PNG/JPEG/WebP signatures a lone image, and
/// UTF-8 text without control bytes a file of sentences. A renamed file is read for what it is.
/// </summary>
public static class DataFileSniffer
{
    /// <summary>The kind of data at <paramref name="path"/>; anything unrecognised is an <see cref="InvalidFileException"/>.</summary>
    public static DataFileKind Sniff(string path)
    {
        if (Directory.Exists(path)) return DataFileKind.ImageFolder;
        if (!File.Exists(path)) throw new CondenseException($"{path}: no such file or folder");
        var head = new byte[4096];
        int n;
        using (var stream = File.OpenRead(path)) n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return Sniff(head.AsSpan(0, n), path);
    }

    /// <summary>The kind of data whose first bytes are <paramref name="head"/>.</summary>
    public static DataFileKind Sniff(ReadOnlySpan<byte> head, string source)
    {
        if (head.Length == 0) throw new InvalidFileException(source, "the file is empty");
        if (NpyReader.LooksLikeNpy(head)) return DataFileKind.Npy;
        if (NpzReader.LooksLikeZip(head)) return DataFileKind.Npz;
        if (IsImage(head)) return DataFileKind.Image;
        if (LooksLikeText(head)) return DataFileKind.Sentences;
        throw new InvalidFileException(source, "not a data file Condense recognises (a folder of images, a .txt of sentences, a .npy or a .npz)");
    }

    /// <summary>True for the signatures of PNG, JPEG and WebP.</summary>
    public static bool IsImage(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G'])
        || head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])
        || (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8));

    /// <summary>
    /// True when <paramref name="head"/> is UTF-8 (a sequence cut off at the end allowed) with no
    /// control bytes other than tab, line feed, carriage return and form feed.
    /// </summary>
    public static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        foreach (var b in head)
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f')) return false;
        // Cut a trailing incomplete sequence (the head may end mid-character), then decode strictly.
        int end = head.Length;
        for (int back = 1; back <= 3 && back <= head.Length; back++)
        {
            var b = head[head.Length - back];
            if ((b & 0xC0) == 0x80) continue;           // a continuation byte: keep looking back
            if (b >= 0xC0) end = head.Length - back;     // a lead byte whose sequence may be cut
            break;
        }
        try
        {
            _ = new UTF8Encoding(false, true).GetCharCount(head[..end]);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
