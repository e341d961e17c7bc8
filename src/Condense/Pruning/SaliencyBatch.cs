using Condense.Data;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// The data a data-driven criterion (SNIP, GraSP) looks at: a seeded random sample of a
/// training set. SNIP's and GraSP's papers use one or a few mini-batches; 512 digits give
/// stable scores at a fraction of an epoch's cost.
/// </summary>
public static class SaliencyBatch
{
    /// <summary>Training samples SNIP and GraSP score on by default: enough for stable scores, few enough to stay quick.</summary>
    public const int DefaultSamples = 512;

    /// <summary>(inputs N×features, targets: labels N for classifiers, else the inputs).</summary>
    public static (Tensor Inputs, Tensor? Labels) Sample(Dataset? data, int samples, int seed, string method)
    {
        if (data is null || data.Count == 0)
            throw new CondenseException($"{method} needs training data to score weights (give a data set, or use synflow, which is data-free)");
        if (samples < 1) throw new CondenseException($"{method}: sample count {samples} must be ≥ 1");
        var n = Math.Min(samples, data.Count);
        using var generator = new Generator((ulong)seed);
        using var perm = randperm(data.Count, generator: generator);
        var index = perm.narrow(0, 0, n);
        using var all = tensor(data.Images, [data.Count, data.Features]);
        using var labels = tensor(data.Labels.Select(l => (long)l).ToArray(), [data.Count]);
        return (all.index_select(0, index), labels.index_select(0, index));
    }
}
