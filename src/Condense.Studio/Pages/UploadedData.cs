using System.IO.Compression;
using Condense.Formats.DataFiles;

namespace Condense.Studio.Pages;

/// <summary>
/// Turns an uploaded data file into what <see cref="Calibration.DataSpec"/> reads, recognised by
/// content: a <c>.npy</c> or <c>.npz</c> as it is; a zip of photos (class folders allowed), of
/// sentences with their <c>vocab.txt</c>, or holding one <c>.npy</c>/<c>.npz</c>, unpacked into the
/// upload's own folder. Unpacking is guarded: every path component is reduced to safe characters
/// (no "..", no leading dot, no absolute path), every file must land inside the folder, and the
/// members' inflated bytes are counted against a budget as they are written, whatever they declare.
/// </summary>
internal static class UploadedData
{
    /// <summary>The most bytes a data zip may unpack to.</summary>
    public const long MaxUnpackedBytes = 2L << 30;

    /// <summary>The most members a data zip may hold.</summary>
    public const int MaxMembers = 20_000;

    /// <summary>What the data resolves to: the path the loader reads, the vocab when sentences, and a short kind.</summary>
    public sealed record Resolved(string Path, string? Vocab, string Kind);

    public static Resolved Resolve(string file, string name, string folder)
    {
        var kind = Sniff(file, name);
        switch (kind)
        {
            case DataFileKind.Npy: return new(file, null, "array (.npy)");
            case DataFileKind.Sentences: throw new CondenseException($"{name}: sentences need their vocabulary: upload a zip holding the sentences (.txt) and vocab.txt");
            case DataFileKind.Image: throw new CondenseException($"{name}: a single image; upload a zip of images");
            case DataFileKind.Npz: break;
            default: throw new CondenseException($"{name}: not a data file the Studio reads (a zip of images or sentences, a .npy or a .npz)");
        }
        using (var archive = Open(file, name))
        {
            // A zip of .npy members is NumPy's .npz: the loader reads it as it is.
            if (archive.Entries.Count > 0 && archive.Entries.All(e => e.FullName.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)))
                return new(file, null, "arrays (.npz)");
            Unpack(archive, name, Path.Combine(folder, ModelUpload.DataFolder));
        }
        var root = Path.Combine(folder, ModelUpload.DataFolder);
        // A zip of one folder: that folder is the data.
        while (Directory.GetFiles(root).Length == 0 && Directory.GetDirectories(root) is [var only] && !IsClassFolderParent(only)) root = only;
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.')).ToList();
        if (files.Count == 0) throw new CondenseException($"{name}: the zip holds no files");
        var kinds = files.ToDictionary(f => f, f => Sniff(f, $"{name}: {Path.GetRelativePath(folder, f)}"));
        var arrays = files.Where(f => kinds[f] is DataFileKind.Npy or DataFileKind.Npz).ToList();
        if (arrays.Count == 1) return new(arrays[0], null, $"arrays ({Path.GetFileName(arrays[0])} in the zip)");
        if (arrays.Count > 1) throw new CondenseException($"{name}: the zip holds {arrays.Count} array files; keep one");
        if (files.Any(f => kinds[f] == DataFileKind.Image)) return new(root, null, $"{files.Count(f => kinds[f] == DataFileKind.Image)} images");
        var vocab = files.FirstOrDefault(f => Path.GetFileName(f).Equals("vocab.txt", StringComparison.OrdinalIgnoreCase))
            ?? throw new CondenseException($"{name}: sentences need their vocabulary: put vocab.txt in the zip beside them");
        var sentences = files.Where(f => f != vocab && kinds[f] == DataFileKind.Sentences).ToList();
        return sentences.Count == 1
            ? new(sentences[0], vocab, "sentences")
            : throw new CondenseException($"{name}: expected one file of sentences beside vocab.txt, found {sentences.Count}");
    }

    static bool IsClassFolderParent(string folder) => Directory.GetDirectories(folder).Length > 1;

    static DataFileKind Sniff(string file, string source)
    {
        var head = new byte[4096];
        int n;
        using (var stream = File.OpenRead(file)) n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return DataFileSniffer.Sniff(head.AsSpan(0, n), source);
    }

    static ZipArchive Open(string file, string name)
    {
        try
        {
            return ZipFile.OpenRead(file);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidFileException(name, $"not a readable zip: {ex.Message}");
        }
    }

    static void Unpack(ZipArchive archive, string name, string target)
    {
        if (archive.Entries.Count > MaxMembers) throw new CondenseException($"{name}: more than {MaxMembers} members");
        var root = Path.GetFullPath(Directory.CreateDirectory(target).FullName) + Path.DirectorySeparatorChar;
        long budget = MaxUnpackedBytes;
        var buffer = new byte[81920];
        foreach (var entry in archive.Entries)
        {
            if (entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\')) continue;
            var parts = entry.FullName.Split('/', '\\').Select(Safe).Where(p => p.Length > 0).ToList();
            if (parts.Count == 0 || parts.Count > 4 || entry.FullName.Split('/', '\\').Any(p => p.StartsWith('.') || p == "__MACOSX")) continue;
            var path = Path.GetFullPath(Path.Combine(root, Path.Combine([.. parts])));
            if (!path.StartsWith(root, StringComparison.Ordinal)) continue;
            if (File.Exists(path)) throw new CondenseException($"{name}: two members become {string.Join('/', parts)}");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                using var input = entry.Open();
                using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                int read;
                while ((read = input.Read(buffer)) > 0)
                {
                    budget -= read;
                    if (budget < 0) throw new CondenseException($"{name}: unpacks to more than {MaxUnpackedBytes >> 30} GiB");
                    output.Write(buffer, 0, read);
                }
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidFileException(name, $"member {entry.FullName}: {ex.Message}");
            }
        }
    }

    /// <summary>A path component reduced to letters, digits and ._- (spaces kept); never ".." or hidden.</summary>
    static string Safe(string part)
    {
        var s = new string([.. part.Where(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' or ' ').Take(100)]).Trim();
        return s.Trim('.').Length == 0 ? "" : s;
    }
}
