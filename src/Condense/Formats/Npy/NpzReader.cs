using System.IO.Compression;

namespace Condense.Formats.Npy;

/// <summary>
/// Reads NumPy's <c>.npz</c> format: a zip archive (stored or deflated, as <c>numpy.savez</c> and
/// <c>savez_compressed</c> write it) of <c>.npy</c> members, one array per member named after it.
/// A zip bomb costs nothing: each member's declared size must fit the remaining budget (at most
/// <see cref="MaxTotalBytes"/>, and at most <see cref="MaxRatio"/> times its compressed size, more
/// than deflate can really achieve), and decompression stops at the declared size, so a member that
/// inflates to more than it declares is refused rather than read.
/// </summary>
public static class NpzReader
{
    /// <summary>The most bytes all members together may inflate to.</summary>
    public const long MaxTotalBytes = NpyReader.MaxBytes;

    /// <summary>Deflate cannot exceed about 1032:1; a member claiming more is not an honest archive.</summary>
    public const long MaxRatio = 1100;

    /// <summary>The most members read (a name each: NumPy writes one per array).</summary>
    public const int MaxMembers = 4096;

    /// <summary>True when <paramref name="head"/> begins like a zip archive (a local header or an empty archive).</summary>
    public static bool LooksLikeZip(ReadOnlySpan<byte> head) =>
        head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8);

    /// <summary>Reads every array of the <c>.npz</c> file at <paramref name="path"/>, in archive order.</summary>
    public static IReadOnlyList<NpyArray> Read(string path)
    {
        var length = NpyReader.FileLength(path);
        using var stream = File.OpenRead(path);
        return Read(stream, path, length);
    }

    /// <summary>Reads every array of a <c>.npz</c> held in <paramref name="stream"/> (seekable).</summary>
    public static IReadOnlyList<NpyArray> Read(Stream stream, string source, long length)
    {
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.Entries.Count > MaxMembers) throw new InvalidFileException(source, $"{zip.Entries.Count} members is more than {MaxMembers}");
            var arrays = new List<NpyArray>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            long budget = Math.Min(MaxTotalBytes, Math.Max(1L << 20, length * MaxRatio));
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/')) continue;
                var name = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
                var where = $"{source}:{Printable(entry.FullName)}";
                if (!names.Add(name)) throw new InvalidFileException(source, $"two members are named '{Printable(name)}'");
                var size = entry.Length;
                if (size < 0 || size > budget)
                    throw new InvalidFileException(where, $"declares {size} bytes, over the {budget}-byte limit for this archive");
                if (entry.CompressedLength >= 0 && size > Math.Max(4096, entry.CompressedLength * MaxRatio))
                    throw new InvalidFileException(where, $"declares {size} bytes from {entry.CompressedLength} compressed: not an honest archive");
                budget -= size;
                var bytes = new byte[size];
                using (var member = entry.Open())
                {
                    int read = 0;
                    while (read < bytes.Length)
                    {
                        var n = member.Read(bytes, read, bytes.Length - read);
                        if (n == 0) break;
                        read += n;
                    }
                    if (read != bytes.Length) throw new InvalidFileException(where, $"truncated: declares {size} bytes, holds {read}");
                    if (member.ReadByte() >= 0) throw new InvalidFileException(where, $"inflates to more than the {size} bytes it declares");
                }
                arrays.Add(NpyReader.Parse(bytes, name, where));
            }
            return arrays;
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidFileException(source, $"not a readable .npz (zip) archive: {OneLine(ex.Message)}");
        }
        catch (NotSupportedException ex)
        {
            throw new InvalidFileException(source, $"not a readable .npz (zip) archive: {OneLine(ex.Message)}");
        }
        catch (IOException ex) when (ex is not FileNotFoundException)
        {
            throw new InvalidFileException(source, $"not a readable .npz (zip) archive: {OneLine(ex.Message)}");
        }
    }

    static string Printable(string s)
    {
        var t = new string(s.Select(c => char.IsControl(c) ? '?' : c).Take(80).ToArray());
        return t;
    }

    static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
