using Condense.DeepCompression;
using Condense.Models;

namespace Condense.Cli.Demo;

/// <summary>
/// Deep Compression (Han et al.): pruning with fine-tuning, weight sharing with centroid
/// fine-tuning, Huffman coding, written as Condense's compact container (.cdz).
/// </summary>
public sealed class DeepCompressionStage : IDemoStage
{
    public string Name => "Deep Compression";

    public IEnumerable<DemoArtifact> Run(DemoStageContext c)
    {
        if (!c.Model.Net.IsClassifier) yield break;
        var (net, _) = ModelFile.Load(c.Model.SafetensorsPath);
        using (net)
        {
            var options = c.Options.Quick
                ? new DeepCompressionOptions { PruneSteps = 1, PruneEpochs = 1, ShareEpochs = 1 }
                : new DeepCompressionOptions { PruneSteps = 2, PruneEpochs = 1, ShareEpochs = 1 };
            var result = DeepCompressionPipeline.Run(net, c.Train, c.Test, options);
            var path = Path.Combine(c.Options.Folder, $"{c.Model.Name}.deep.cdz");
            CompressedContainer.Write(path, net.Describe(), result.Encoded);
            if (!result.Verified) c.Notes.Add($"{path}: the container did not decode to the model's exact weights");
            yield return new DemoArtifact("Deep Compression", $"pruned {string.Join("/", options.Sparsity.Select(s => $"{s:P0}"))}, {options.Bits[0]}-bit shared, Huffman", path);
        }
    }
}
