using Condense.Data;
using Condense.Models;
using Condense.Pruning;
using Condense.Quantization;
using static TorchSharp.torch;

namespace Condense.DeepCompression;

/// <summary>
/// Deep Compression (Han, Mao and Dally, ICLR 2016): prune the smallest weights and retrain,
/// share the survivors' values through k-means with centroid fine-tuning, and Huffman-code the
/// indices and the gaps between survivors. Works on the model in place (its weights end up as
/// the decoded container's) and reports each stage's size and accuracy.
/// </summary>
public static class DeepCompressionPipeline
{
    /// <summary>Prunes, retrains, shares weights (with centroid fine-tuning) and Huffman-codes <paramref name="model"/>, measuring accuracy and bytes after each stage; <paramref name="progress"/> hears progress lines.</summary>
    public static DeepCompressionResult Run(CondenseModel model, Dataset train, Dataset test, DeepCompressionOptions options, Action<string>? progress = null)
    {
        if (!model.IsClassifier) throw new CondenseException("deep compression: only classifiers are supported (accuracy is what the stages report)");
        // Conv kernels are pruned, shared and coded like Linear weights, as out × (in·k·k) matrices.
        var layers = model.WeightLayers;
        if (layers.Count == 0) throw new CondenseException("deep compression: the model has no linear or conv layers");
        if (model is Models.Cnn.CnnModel { ConvUnits: var units } && units.Any(u => u.Norm is not null))
            throw new CondenseException("deep compression: the container stores conv and linear weights and biases only; fold the BatchNorms first (BN fusion)");
        if (layers.Any(l => l.Bias is null)) throw new CondenseException("deep compression: every layer needs a bias (the container stores one per layer)");
        var stages = new List<StageReport>();
        long parameters = model.ParameterCount;
        var denseBytes = 4 * parameters;
        long biasBytes = 4L * layers.Sum(l => l.OutChannels);
        var accuracy = Evaluator.Evaluate(model, test).Accuracy ?? double.NaN;
        stages.Add(new StageReport("dense", denseBytes, 1, accuracy));
        progress?.Invoke($"dense: {denseBytes:N0} bytes, accuracy {accuracy:P2}");

        // 1. Iterative magnitude pruning with retraining (Condense.Pruning): each step prunes the
        // ⌊s·n⌋ smallest |w| of the whole layer (the zeros of earlier steps are among them), and
        // Prune.Hooks keeps them at zero while the survivors retrain.
        try
        {
            for (var step = 1; step <= options.PruneSteps; step++)
            {
                model.Masks.Clear();
                for (var l = 0; l < layers.Count; l++)
                {
                    var layer = layers[l];
                    var count = (long)Math.Floor(options.SparsityOf(l) * step / options.PruneSteps * layer.Weight.numel());
                    using var _ = Prune.L1Unstructured(model.Masks, layer.Module, PruningAmount.OfCount(count));
                }
                if (options.PruneEpochs > 0)
                {
                    progress?.Invoke($"pruning step {step}/{options.PruneSteps}: retraining {options.PruneEpochs} epochs");
                    Prune.FineTune(model, train, null, Retraining(options.PruneEpochs, options.PruneLearningRate, options.Seed + step));
                }
            }
        }
        finally
        {
            model.Masks.Clear();
        }
        accuracy = Evaluator.Evaluate(model, test).Accuracy ?? double.NaN;
        var nonZeros = layers.Select(l => l.Weight.count_nonzero().item<long>()).ToArray();
        var entriesEstimate = layers.Select((l, i) => EntriesFor(l.Weight, options.GapBits)).ToArray();
        var prunedBytes = entriesEstimate.Sum(e => (e * (32L + options.GapBits) + 7) / 8) + biasBytes;
        stages.Add(new StageReport("pruned", prunedBytes, (double)denseBytes / prunedBytes, accuracy));
        progress?.Invoke($"pruned: {nonZeros.Sum():N0} of {layers.Sum(l => l.Weight.numel()):N0} weights kept, {prunedBytes:N0} bytes, accuracy {accuracy:P2}");

        // 2. Weight sharing: k-means over each layer's survivors, centroid 0 reserved for the pruned zeros.
        using var tuning = new CentroidFineTuning();
        var indices = new List<int[]>();
        for (var l = 0; l < layers.Count; l++)
        {
            var w = layers[l].Weight;
            var values = w.detach().contiguous().data<float>().ToArray();
            var shared = new WeightSharingQuantizer(new WeightSharingOptions(options.BitsOf(l)) { KeepZeros = true, Seed = (int)options.Seed }).Quantize(values, w.shape);
            var idx = shared.Indices();
            using (no_grad())
            using (var q = tensor(shared.Reconstruct(), w.shape))
                w.copy_(q);
            tuning.Add(w, idx, shared.CodebookSize, keepZeros: true);
            indices.Add(idx);
        }
        if (options.ShareEpochs > 0)
        {
            progress?.Invoke($"centroid fine-tuning: {options.ShareEpochs} epochs");
            Trainer.Train(model, train, null, Retraining(options.ShareEpochs, options.ShareLearningRate, options.Seed + 100), tuning.Hooks());
        }
        tuning.Snap();
        accuracy = Evaluator.Evaluate(model, test).Accuracy ?? double.NaN;
        var sharedBytes = biasBytes;
        for (var l = 0; l < layers.Count; l++)
            sharedBytes += (entriesEstimate[l] * (options.BitsOf(l) + (long)options.GapBits) + 7) / 8 + 4L * (1 << options.BitsOf(l));
        stages.Add(new StageReport("shared", sharedBytes, (double)denseBytes / sharedBytes, accuracy));
        progress?.Invoke($"shared: {sharedBytes:N0} bytes, accuracy {accuracy:P2}");

        // 3. Huffman coding into the container; decoding it must give back the exact weights.
        var encoded = new List<SparseSharedLayer>();
        var layerReports = new List<LayerReport>();
        var verified = true;
        for (var l = 0; l < layers.Count; l++)
        {
            var name = layers[l].Name;
            var w = layers[l].Weight;
            int rows = (int)w.shape[0], columns = (int)(w.numel() / rows);
            var codebook = tuning.Centroids(l);
            var bias = layers[l].Bias!.detach().contiguous().data<float>().ToArray();
            var layer = SparseSharedLayer.Encode(name, rows, columns, options.BitsOf(l), options.GapBits, codebook, indices[l], bias);
            encoded.Add(layer);
            var actual = w.detach().contiguous().data<float>().ToArray();
            verified &= layer.DecodeWeights().AsSpan().SequenceEqual(actual);
            layerReports.Add(new LayerReport(name, rows, columns, nonZeros[l], layer.Entries, options.BitsOf(l), (double)nonZeros[l] / ((long)rows * columns), layer.StoredBytes));
        }
        using var buffer = new MemoryStream();
        CompressedContainer.Write(buffer, model.Describe(), encoded);
        var containerBytes = buffer.Length;
        var (_, reread) = CompressedContainer.Read(buffer.ToArray(), "container");
        for (var l = 0; l < layers.Count; l++)
            verified &= reread[l].DecodeWeights().AsSpan().SequenceEqual(encoded[l].DecodeWeights());
        stages.Add(new StageReport("huffman", containerBytes, (double)denseBytes / containerBytes, accuracy));
        progress?.Invoke($"huffman: {containerBytes:N0} bytes ({(double)denseBytes / containerBytes:F1}×), decodes to the same weights: {verified}");
        return new DeepCompressionResult(stages, layerReports, encoded, verified);
    }

    static TrainingOptions Retraining(int epochs, double rate, int seed) =>
        new() { Epochs = epochs, LearningRate = rate, StepGamma = 0.7, Seed = seed };

    /// <summary>Stored entries for a pruned matrix: non-zeros plus the fillers long gaps need, plus the tail entry.</summary>
    /// <summary>Entries of the layer's relative-index stream (fillers and the tail entry included), as <see cref="SparseSharedLayer"/> will store it.</summary>
    static long EntriesFor(Tensor weight, int gapBits) =>
        Codecs.RelativeIndex.EntriesFor<float>(weight.detach().contiguous().data<float>().ToArray(), gapBits, coverTail: true);
}
