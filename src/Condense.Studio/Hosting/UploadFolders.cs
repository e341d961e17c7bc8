namespace Condense.Studio.Hosting;

/// <summary>
/// Where uploads are streamed to: one private folder per Studio run (created with a random name,
/// removed when the server stops) and in it one folder per upload, named by the server. Nothing a
/// request sends becomes part of a path; an upload's own name is used in messages only.
/// </summary>
internal sealed class UploadFolders : IDisposable
{
    readonly DirectoryInfo root = Directory.CreateTempSubdirectory("condense-studio-");

    /// <summary>The Studio run's own folder (tests look inside it).</summary>
    public string Root => root.FullName;

    /// <summary>A new, empty folder for one upload (removed with <see cref="Remove"/> or at shutdown).</summary>
    public string Create()
    {
        var path = Path.Combine(root.FullName, Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes an upload's folder; a file still open elsewhere is left to the shutdown sweep.</summary>
    public static void Remove(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    public void Dispose() => Remove(root.FullName);
}
