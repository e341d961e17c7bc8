using Condense.Formats;

namespace Condense.Models.Cnn;

/// <summary>
/// Loads CNNs from Condense model files (safetensors written by <see cref="ModelFile.Save"/>:
/// parameters and BatchNorm running statistics under PyTorch's names, the architecture in the
/// metadata).
/// </summary>
public static class CnnModelFile
{
    /// <summary>Whether a model file's metadata names a CNN architecture.</summary>
    public static bool IsCnn(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue("architecture", out var a) && CnnFactory.Architectures.Contains(a);

    /// <summary>
    /// Whether the file at <paramref name="path"/> is a Condense CNN model file (reads only the
    /// header): the commands that take MLP files branch on it to their convolution-aware path.
    /// </summary>
    public static bool IsCnnFile(string path)
    {
        if (!path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            using var reader = SafetensorsReader.Open(path);
            return IsCnn(reader.Metadata);
        }
        catch (Exception ex) when (ex is CondenseException or IOException or UnauthorizedAccessException)
        {
            return false;   // missing or unreadable: the MLP path reports it in its own words
        }
    }

    /// <summary>Rebuilds a CNN (LeNet-5, VGG or ResNet, from the card's architecture) from <paramref name="path"/> with its card; another kind of file is an <see cref="InvalidFileException"/>.</summary>
    public static (CnnModel Model, ModelCard Card) Load(string path)
    {
        var (tensors, metadata) = SafetensorsReader.ReadAll(path);
        var model = ModelFile.WithWeights(CnnFactory.Build(metadata, path), tensors, path);
        model.eval();
        return (model, ModelCard.FromMetadata(metadata));
    }
}
