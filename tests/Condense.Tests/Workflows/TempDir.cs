namespace Condense.Tests.Workflows;

/// <summary>A temporary folder removed on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    readonly string path = Directory.CreateTempSubdirectory("condense-dataaware-").FullName;

    public string File(string name) => Path.Combine(path, name);

    public void Dispose()
    {
        try { Directory.Delete(path, recursive: true); } catch (IOException) { }
    }
}
