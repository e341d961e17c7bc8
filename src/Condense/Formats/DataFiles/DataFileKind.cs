namespace Condense.Formats.DataFiles;

/// <summary>What a <c>--data</c> path holds, judged by its bytes (see <see cref="DataFileSniffer"/>).</summary>
public enum DataFileKind
{
    /// <summary>A folder: photos, optionally in one sub-folder per class.</summary>
    ImageFolder,
    /// <summary>A NumPy <c>.npy</c> array.</summary>
    Npy,
    /// <summary>A NumPy <c>.npz</c> archive (zip) of arrays.</summary>
    Npz,
    /// <summary>UTF-8 text: one sentence a line.</summary>
    Sentences,
    /// <summary>A single PNG, JPEG or WebP image.</summary>
    Image,
}
