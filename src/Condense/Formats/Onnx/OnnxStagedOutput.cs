namespace Condense.Formats.Onnx;

/// <summary>
/// A model and its external data file written into a temporary folder beside the target, so
/// the pair can be checked (loaded by ONNX Runtime, which resolves the data file relative to the
/// model) before it appears, then renamed into place: the data file first, the model last, so a
/// model file is never seen before its data is complete. Disposing without <see cref="Commit"/>
/// removes everything written; a killed run leaves only a hidden <c>.{name}.{pid}.{guid}.tmp</c>
/// folder.
/// </summary>
internal sealed class OnnxStagedOutput : IDisposable
{
    readonly string _target;
    bool _done;

    /// <param name="target">Where the model (<c>.onnx</c>) should end up; its data file goes beside it as <c>{name}.data</c>.</param>
    public OnnxStagedOutput(string target)
    {
        _target = Path.GetFullPath(target);
        var dir = Path.GetDirectoryName(_target)!;
        Directory.CreateDirectory(dir);
        var name = Path.GetFileName(_target);
        Folder = Path.Combine(dir, $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(Folder);
        DataLocation = name + ".data";
        ModelPath = Path.Combine(Folder, name);
        DataPath = Path.Combine(Folder, DataLocation);
    }

    /// <summary>The temporary folder.</summary>
    public string Folder { get; }

    /// <summary>Where to write the model now (inside <see cref="Folder"/>).</summary>
    public string ModelPath { get; }

    /// <summary>Where to write the external data now (inside <see cref="Folder"/>).</summary>
    public string DataPath { get; }

    /// <summary>The data file's name as the model's references record it (<c>{model name}.data</c>).</summary>
    public string DataLocation { get; }

    /// <summary>The final path of the data file.</summary>
    public string FinalDataPath => Path.Combine(Path.GetDirectoryName(_target)!, DataLocation);

    /// <summary>Renames the data file, then the model, into place and removes the folder.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        if (!File.Exists(ModelPath)) throw new InvalidOperationException("the model was not written");
        if (File.Exists(DataPath)) File.Move(DataPath, FinalDataPath, overwrite: true);
        File.Move(ModelPath, _target, overwrite: true);
        _done = true;
        Directory.Delete(Folder, recursive: true);
    }

    public void Dispose()
    {
        if (_done) return;
        _done = true;
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
