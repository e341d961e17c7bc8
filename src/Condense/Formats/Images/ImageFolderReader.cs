namespace Condense.Formats.Images;

/// <summary>
/// Lists a folder of photos: either files directly inside it, or one sub-folder per class whose
/// files carry that class's label (sub-folders sorted by ordinal name, as torchvision's
/// ImageFolder does). Hidden files (a leading dot) and text files (a README or licence beside the
/// photos, recognised by content) are skipped; every other file must be an image, which the
/// decoder checks by content when it is read, so a corrupt photo is an error naming it. Order is ordinal by path, so the same
/// folder always lists the same way.
/// </summary>
public static class ImageFolderReader
{
    /// <summary>The most files a data folder may hold.</summary>
    public const int MaxFiles = 100_000;

    /// <summary>Lists the folder at <paramref name="path"/>; an empty folder is a <see cref="CondenseException"/>.</summary>
    public static ImageFolder List(string path)
    {
        if (!Directory.Exists(path)) throw new CondenseException($"{path}: no such folder");
        var files = Visible(Directory.EnumerateFiles(path));
        var folders = Visible(Directory.EnumerateDirectories(path));
        if (folders.Count > 0 && files.Count > 0)
            throw new CondenseException($"{path}: holds both files ({System.IO.Path.GetFileName(files[0])}) and class folders ({System.IO.Path.GetFileName(folders[0])}); put every photo in a class folder or none");
        var entries = new List<ImageFolderEntry>();
        var classes = new List<string>();
        if (folders.Count == 0)
        {
            entries.AddRange(files.Select(f => new ImageFolderEntry(f, null)));
        }
        else
        {
            foreach (var folder in folders)
            {
                var inside = Visible(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories));
                if (inside.Count == 0) continue;
                var label = classes.Count;
                classes.Add(System.IO.Path.GetFileName(folder));
                entries.AddRange(inside.Select(f => new ImageFolderEntry(f, label)));
                if (entries.Count > MaxFiles) break;
            }
        }
        var skipped = entries.Where(e => IsText(e.Path)).Select(e => e.Path).ToList();
        if (skipped.Count > 0) entries.RemoveAll(e => skipped.Contains(e.Path));
        if (entries.Count == 0) throw new CondenseException($"{path}: the folder holds no images");
        if (entries.Count > MaxFiles) throw new CondenseException($"{path}: more than {MaxFiles} files");
        return new ImageFolder(path, entries, classes) { SkippedText = skipped };
    }

    static bool IsText(string file)
    {
        var head = new byte[512];
        int n;
        using (var stream = File.OpenRead(file)) n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var span = head.AsSpan(0, n);
        return n > 0 && !DataFiles.DataFileSniffer.IsImage(span) && DataFiles.DataFileSniffer.LooksLikeText(span);
    }

    static List<string> Visible(IEnumerable<string> paths) =>
        paths.Where(p => !System.IO.Path.GetFileName(p).StartsWith('.')).Take(MaxFiles + 1).Order(StringComparer.Ordinal).ToList();
}
