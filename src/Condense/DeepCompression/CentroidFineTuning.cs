using Condense.Models;
using static TorchSharp.torch;

namespace Condense.DeepCompression;

/// <summary>
/// Trains the shared values of weight-shared layers (Deep Compression §3.3, Fig. 3): every
/// weight keeps its cluster, and a centroid moves by the sum of the gradients of all weights
/// that share it. Done through the trainer's hooks: after backward each weight's gradient is
/// replaced by its cluster's summed gradient (so every member of a cluster receives the same
/// update from the element-wise optimiser and stays equal to the others), and after each step
/// the weights are re-set to their cluster's centroid, which makes the invariant exact whatever
/// the optimiser. The zero cluster of a pruned layer (index 0 with <c>keepZeros</c>) never moves.
/// </summary>
internal sealed class CentroidFineTuning : IDisposable
{
    readonly List<Cluster> _layers = [];

    sealed record Cluster(Tensor Weight, Tensor Index, Tensor Counts, Tensor First, int Size, bool KeepZeros);

    /// <summary>Registers a layer: <paramref name="indices"/> (one per weight, row-major) into a codebook of <paramref name="codebookSize"/>.</summary>
    public void Add(Tensor weight, int[] indices, int codebookSize, bool keepZeros)
    {
        if (indices.Length != weight.numel())
            throw new CondenseException($"centroid fine-tuning: {indices.Length} indices for {weight.numel()} weights");
        var index = tensor(indices.Select(i => (long)i).ToArray());
        var counts = zeros(codebookSize).index_add_(0, index, ones(indices.Length), 1);
        // Where each cluster is first used (0 for an empty one, whose value nobody reads).
        var first = new long[codebookSize];
        var seen = new bool[codebookSize];
        for (var i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)codebookSize) throw new CondenseException($"centroid fine-tuning: index {indices[i]} outside a codebook of {codebookSize}");
            if (!seen[indices[i]]) { seen[indices[i]] = true; first[indices[i]] = i; }
        }
        _layers.Add(new Cluster(weight, index, counts, tensor(first), codebookSize, keepZeros));
    }

    /// <summary>The current centroids of layer <paramref name="layer"/> (registration order), read
    /// from the weights after a <see cref="Snap"/> (a cluster's first member; all members are equal),
    /// so <c>weight[i] == Centroids[index[i]]</c> holds bit for bit. Unused slots are 0.</summary>
    public float[] Centroids(int layer)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var c = _layers[layer];
        var values = c.Weight.detach().reshape(-1).index_select(0, c.First) * c.Counts.gt(0).to_type(c.Weight.dtype);
        if (c.KeepZeros) values[0] = 0;
        return values.data<float>().ToArray();
    }

    public TrainingHooks Hooks() => new()
    {
        AfterBackward = _ =>
        {
            using var scope = NewDisposeScope();
            foreach (var c in _layers)
            {
                if (c.Weight.grad is not { } grad) continue;
                var summed = zeros(c.Size).index_add_(0, c.Index, grad.reshape(-1), 1);
                if (c.KeepZeros) summed[0] = 0;
                grad.copy_(summed.index_select(0, c.Index).view_as(grad));
            }
        },
        AfterStep = _ => Snap(),
    };

    /// <summary>Sets every weight to its cluster's centroid (the mean of the cluster's members).</summary>
    public void Snap()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var c in _layers)
        {
            var centroids = ComputeCentroids(c);
            c.Weight.copy_(centroids.index_select(0, c.Index).view_as(c.Weight));
        }
    }

    static Tensor ComputeCentroids(Cluster c)
    {
        var sums = zeros(c.Size).index_add_(0, c.Index, c.Weight.detach().reshape(-1), 1);
        var centroids = sums / c.Counts.clamp_min(1);
        if (c.KeepZeros) centroids[0] = 0;
        return centroids;
    }

    public void Dispose()
    {
        foreach (var c in _layers)
        {
            c.Index.Dispose();
            c.Counts.Dispose();
            c.First.Dispose();
        }
        _layers.Clear();
    }
}
