using Condense.Formats.Onnx;
using Condense.Models;
using Condense.Pruning;

namespace Condense.Cli.Demo;

/// <summary>
/// Global magnitude pruning at several sparsities, fine-tuned with the masks enforced, written
/// twice: Condense's compact sparse file (relative indices, as Deep Compression stores them), and
/// an ONNX file whose weights are stored as positions + 5-bit shared values, which ONNX Runtime runs.
/// </summary>
public sealed class PruningStage : IDemoStage
{
    public string Name => "pruning";

    public IEnumerable<DemoArtifact> Run(DemoStageContext c)
    {
        var sparsities = c.Options.Quick ? new[] { 0.9 } : [0.5, 0.8, 0.9, 0.95];
        foreach (var s in sparsities)
        {
            var (net, _) = ModelFile.Load(c.Model.SafetensorsPath);
            var outcome = ModelPruner.Apply(net, new ModelPruningOptions { Criterion = PruningCriterion.Global, Sparsity = s, Seed = 0 });
            if (!c.Options.Quick)
            {
                // Han et al.'s retraining: dropout scaled by √density, a higher rate, masks kept.
                var tuned = RetrainingDropout.WithDropout(net, RetrainingDropout.For(net.Dropout, 1 - outcome.Sparsity));
                Prune.FineTune(tuned, c.Train, null, TrainingOptions.For(net.Kind) with
                {
                    Epochs = 1, LearningRate = net.IsClassifier ? 2e-3 : 1e-3, Seed = 0,
                });
                net.Dispose();
                net = tuned;
            }
            var label = $"{s:P0} sparse".Replace(" %", "%", StringComparison.Ordinal);
            var stem = Path.Combine(c.Options.Folder, $"{c.Model.Name}.pruned{(int)Math.Round(100 * s)}");
            SparseModelFile.Save(stem + SparseModelFile.Extension, net);
            yield return new DemoArtifact("pruning (sparse file)", label + (c.Options.Quick ? "" : ", fine-tuned 1 epoch"), stem + SparseModelFile.Extension);

            var onnx = OnnxCompressor.Compress(OnnxReader.Parse(Google.Protobuf.MessageExtensions.ToByteArray(OnnxExporter.Export(net)), stem + ".onnx"),
                new OnnxCompressionOptions(OnnxCompressionMethod.KMeans, 5, Sparse: true));
            OnnxWriter.Write(stem + ".kmeans5.onnx", onnx.Model);
            yield return new DemoArtifact("pruning + k-means", $"{label}, 5-bit shared values", stem + ".kmeans5.onnx");
            net.Dispose();
        }
    }
}
