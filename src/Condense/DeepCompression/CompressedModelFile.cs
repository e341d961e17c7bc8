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
    public static CondenseModel Load(string path) => LoadWithMetadata(path).Model;

    /// <summary><see cref="Load"/>, and the container's metadata (its data set, settings), from one read.</summary>
    /// <remarks>A CNN's conv kernels are stored as out × (in·k·k) matrices and take back the kernel's shape.</remarks>
    public static (CondenseModel Model, IReadOnlyDictionary<string, string> Metadata) LoadWithMetadata(string path)
    {
        var (metadata, layers) = CompressedContainer.Read(path);
        CondenseModel model = Models.Cnn.CnnModelFile.IsCnn(metadata) ? Models.Cnn.CnnFactory.Build(metadata, path) : ModelFile.Build(metadata, path);
        var shapes = model.WeightLayers.ToDictionary(l => l.Name, l => l.Weight.shape);
        var tensors = new List<NamedTensor>();
        foreach (var layer in layers)
        {
            long[] shape = shapes.TryGetValue(layer.Name, out var s) && s.Length > 2 ? s : [layer.Rows, layer.Columns];
            tensors.Add(NamedTensor.FromFloat32(layer.Name + ".weight", layer.DecodeWeights(), shape));
            tensors.Add(NamedTensor.FromFloat32(layer.Name + ".bias", layer.Bias, layer.Rows));
        }
        model = ModelFile.WithWeights(model, tensors, path);
        model.eval();
        return (model, metadata);
    }
}
