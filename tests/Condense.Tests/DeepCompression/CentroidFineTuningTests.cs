using Condense.Data;
using Condense.DeepCompression;
using Condense.Models;
using Condense.Pruning;
using Condense.Quantization;
using static TorchSharp.torch;

namespace Condense.Tests.DeepCompression;

public class CentroidFineTuningTests
{
    static readonly (Dataset Train, Dataset Test) Mnist = DataSets.Load(DataSets.Mnist10k);

    [Fact]
    public void FineTuningMovesCentroidsButKeepsEveryWeightInItsCluster()
    {
        using var model = ModelFactory.Create(ModelKind.LeNet300, 4);
        var small = Mnist.Train.Take(320);
        Trainer.Train(model, small, null, new TrainingOptions { Epochs = 1, Seed = 4 });
        using var tuning = new CentroidFineTuning();
        var before = new List<(int[] Index, float[] Codebook)>();
        foreach (var (_, linear) in model.Layers)
        {
            var w = linear.weight!;
            using (no_grad()) w.mul_(Prune.MagnitudeMask(w, 0.5));
            var shared = new WeightSharingQuantizer(new WeightSharingOptions(3) { KeepZeros = true }).Quantize(w.detach().contiguous().data<float>().ToArray(), w.shape);
            using (no_grad()) w.copy_(tensor(shared.Reconstruct(), w.shape));
            var idx = shared.Indices();
            tuning.Add(w, idx, 8, keepZeros: true);
            before.Add((idx, shared.Codebooks));
        }
        Trainer.Train(model, small, null, new TrainingOptions { Epochs = 1, Seed = 5, LearningRate = 1e-3 }, tuning.Hooks());
        for (var l = 0; l < model.Layers.Count; l++)
        {
            var w = model.Layers[l].Layer.weight!.detach().contiguous().data<float>().ToArray();
            var (idx, oldBook) = before[l];
            var book = tuning.Centroids(l);
            for (var i = 0; i < w.Length; i++)
                Assert.Equal(book[idx[i]], w[i]); // exactly its cluster's centroid
            Assert.Equal(0f, book[0]);
            Assert.All(idx.Select((c, i) => (c, i)).Where(t => t.c == 0), t => Assert.Equal(0f, w[t.i])); // pruned stay pruned
            Assert.Contains(Enumerable.Range(1, 7), c => Math.Abs(book[c] - oldBook[c]) > 1e-6); // centroids really moved
        }
    }

    [Fact]
    public void ACentroidMovesByTheSumOfItsMembersGradients()
    {
        // One SGD-like step by hand: y = Σ w·x with w in two clusters; the summed gradient is Σ x over the cluster.
        using var w = tensor(new float[] { 0.5f, 0.5f, -1f, 0.5f }).requires_grad_();
        using var x = tensor(new float[] { 1f, 2f, 3f, 4f });
        using var tuning = new CentroidFineTuning();
        tuning.Add(w, [1, 1, 2, 1], 3, keepZeros: true);
        using (var y = (w * x).sum()) y.backward();
        tuning.Hooks().AfterBackward!(null!);
        Assert.Equal(new float[] { 7, 7, 3, 7 }, w.grad!.data<float>().ToArray());
    }

    [Fact]
    public void MagnitudeMaskPrunesTheSmallestFraction()
    {
        using var w = tensor(new float[] { 0.1f, -5f, 0.3f, -0.2f, 2f, 0.05f, 1f, -0.4f, 0.6f, 3f });
        using var mask = Prune.MagnitudeMask(w, 0.5);
        Assert.Equal(new float[] { 0, 1, 0, 0, 1, 0, 1, 0, 1, 1 }, mask.data<float>().ToArray());
        using var none = Prune.MagnitudeMask(w, 0);
        Assert.Equal(10, none.sum().item<float>());
    }
}
