using Condense.Formats.Onnx;
using Condense.Hashing;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Cli.Demo;

/// <summary>
/// HashedNets (Chen et al., ICML 2015): the classifier's architecture, 784-1000-1000-10, trained
/// from scratch with every weight matrix a hashed view of a pool 8× and 64× smaller, saved as the
/// pools alone (<see cref="HashedModelFile"/>: the index tables are rebuilt from the seeds), and
/// exported to ONNX (<see cref="HashedOnnxExporter"/>: ONNX Runtime gathers the virtual matrix from
/// the pool through a stored index table, so that file is about as large as the dense one). At
/// 64× it is joined by the dense network with the same number of real parameters (784-h-h-10),
/// the baseline the paper compares against. At 8× it is joined by multi-hashing (m = 2 hashes
/// into separate buckets, summed): the same stored parameters, each virtual weight the sum of two
/// reads (issue 19; the whole m × reduction table is <c>condense hash --sweep</c>).
/// </summary>
public sealed class HashingStage : IDemoStage
{
    /// <summary>Dropout of the hashed networks (condense hash's default; 0.5 trains too slowly in a few epochs).</summary>
    const double Dropout = 0.2;

    public string Name => "hashing";

    public IEnumerable<DemoArtifact> Run(DemoStageContext c)
    {
        if (!c.Model.Net.IsClassifier) yield break;
        var sizes = c.Model.Net.Sizes;
        var training = TrainingOptions.For(ModelKind.Classifier) with { Epochs = c.Options.Quick ? 1 : 3, Seed = 0 };
        var epochs = $"{training.Epochs} epoch{(training.Epochs == 1 ? "" : "s")} from scratch";
        foreach (var (factor, hashes) in new[] { (8, 1), (8, 2), (64, 1) })
        {
            var options = new HashingOptions { Factor = factor, Seed = 0, Hashes = hashes, Reduction = HashReduction.Sum, SeparateBuckets = hashes > 1 };
            manual_seed(training.Seed);
            long real;
            var stem = hashes == 1 ? $"hashed{factor}" : $"multihash{factor}m{hashes}";
            var path = Path.Combine(c.Options.Folder, $"{c.Model.Name}.{stem}.safetensors");
            using (var model = new HashedMlp(sizes, options, Dropout, c.Model.Net.Normalization))
            {
                Trainer.Train(model, c.Train, null, training);
                HashedModelFile.Save(path, model);
                OnnxWriter.Write(Path.ChangeExtension(path, ".onnx"), HashedOnnxExporter.Export(model));
                real = model.RealParameterCount;
            }
            if (hashes > 1)
            {
                yield return new DemoArtifact("multi-hashing", $"{factor}×, m = {hashes} separate buckets, summed; {epochs}", path);
                yield return new DemoArtifact("multi-hashing (ONNX, index tables)", $"{factor}×, m = {hashes}: {hashes} Gathers over the pool, summed", Path.ChangeExtension(path, ".onnx"));
                continue;
            }
            yield return new DemoArtifact("hashing", $"HashedNets {factor}×, {epochs}", path);
            // The same network for ONNX Runtime: no hash operator there, so the index table is stored.
            yield return new DemoArtifact("hashing (ONNX, index table)", $"HashedNets {factor}×, Gather over the pool", Path.ChangeExtension(path, ".onnx"));

            if (factor == 64)
            {
                var denseSizes = EqualSizeDense.Sizes(sizes, real);
                manual_seed(training.Seed);
                using var dense = new MlpModel(ModelKind.Classifier, denseSizes, Dropout, c.Model.Net.Normalization);
                Trainer.Train(dense, c.Train, null, training);
                var densePath = Path.Combine(c.Options.Folder, $"{c.Model.Name}.equal-dense{factor}.onnx");
                OnnxWriter.Write(densePath, OnnxExporter.Export(dense));
                yield return new DemoArtifact("small dense (no teacher)", $"{string.Join("-", denseSizes)}: as many parameters as hashing {factor}×", densePath);
            }
        }
    }
}
