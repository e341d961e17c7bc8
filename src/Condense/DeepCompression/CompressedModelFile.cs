using Condense.Formats;
using Condense.Models;

namespace Condense.DeepCompression;

/// <summary>
/// Turns a Deep Compression container (.cdz) back into a runnable model: the metadata rebuilds
/// the network, and each layer's Huffman-coded gaps and codebook indices decode to its weights.
/// This is how a user (or a test) checks a container's accuracy from the file alone.
/// </summary>
internal static class CompressedModelFile
{
    public static MlpModel Load(string path) => LoadWithMetadata(path).Model;

    /// <summary><see cref="Load"/>, and the container's metadata (its data set, settings), from one read.</summary>
    public static (MlpModel Model, IReadOnlyDictionary<string, string> Metadata) LoadWithMetadata(string path)
    {
        var (metadata, layers) = CompressedContainer.Read(path);
        var model = ModelFile.Build(metadata, path);
        var tensors = new List<NamedTensor>();
        foreach (var layer in layers)
        {
            tensors.Add(NamedTensor.FromFloat32(layer.Name + ".weight", layer.DecodeWeights(), layer.Rows, layer.Columns));
            tensors.Add(NamedTensor.FromFloat32(layer.Name + ".bias", layer.Bias, layer.Rows));
        }
        return (ModelFile.WithWeights(model, tensors, path), metadata);
    }
}
