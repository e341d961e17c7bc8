namespace Condense.DeepCompression;

/// <summary>
/// Settings of <see cref="DeepCompressionPipeline"/>. Defaults are near the paper's LeNet-300-100
/// setting (Han, Mao and Dally, ICLR 2016, Table 4: keep 8 % / 9 % / 26 % of fc1 / fc2 / fc3,
/// 6-bit shared weights, 5-bit relative indices), changed where our measurements on MNIST-10k
/// said so: fc1 keeps 7 % and indices take 4 bits, which reaches 43× at −0.1 points where the
/// paper's 6 bits gave 32× (docs/deep-compression.md).
/// </summary>
public sealed record DeepCompressionOptions
{
    /// <summary>Fraction of weights pruned per layer, each in [0, 1); the last value repeats for further layers.</summary>
    public IReadOnlyList<double> Sparsity { get; init; } = [0.93, 0.91, 0.74];

    /// <summary>Bits of a shared-weight index per layer, 2–8 (one codebook slot is the pruned zero); the last repeats.</summary>
    public IReadOnlyList<int> Bits { get; init; } = [4];

    /// <summary>Bits of a relative index, 1–8: gaps above 2^bits cost a filler entry. 5 bits is the paper's for fc layers.</summary>
    public int GapBits { get; init; } = 5;

    /// <summary>Pruning reaches its sparsity in this many equal steps, retraining after each (iterative pruning beats one shot).</summary>
    public int PruneSteps { get; init; } = 3;

    /// <summary>Retraining epochs after each pruning step.</summary>
    public int PruneEpochs { get; init; } = 2;

    /// <summary>Adam learning rate when retraining the pruned network (lower than training's: the weights are already good).</summary>
    public double PruneLearningRate { get; init; } = 5e-4;

    /// <summary>Centroid fine-tuning epochs; 0 keeps the k-means centroids.</summary>
    public int ShareEpochs { get; init; } = 2;

    /// <summary>Adam learning rate for centroid fine-tuning.</summary>
    public double ShareLearningRate { get; init; } = 1e-4;

    /// <summary>Seed for k-means initialisation and retraining order: the same seed gives the same file.</summary>
    public int Seed { get; init; }

    /// <summary>The sparsity for layer <paramref name="layer"/>: the last listed value repeats for deeper layers, so one value sets them all.</summary>
    public double SparsityOf(int layer) => Sparsity[Math.Min(layer, Sparsity.Count - 1)];
    /// <summary>Bits per shared weight for layer <paramref name="layer"/>, the last listed value repeating for deeper layers.</summary>
    public int BitsOf(int layer) => Bits[Math.Min(layer, Bits.Count - 1)];

    /// <summary>Throws a <see cref="CondenseException"/> quoting the first out-of-range setting, before any training starts.</summary>
    public void Validate()
    {
        if (Sparsity.Count == 0 || Sparsity.Any(s => !(s >= 0 && s < 1))) throw new CondenseException($"sparsity [{string.Join(", ", Sparsity)}] must be values in [0, 1)");
        if (Bits.Count == 0 || Bits.Any(b => b is < 2 or > 8)) throw new CondenseException($"bits [{string.Join(", ", Bits)}] must be values in 2–8");
        if (GapBits is < 1 or > 8) throw new CondenseException($"gap bits {GapBits} must be in 1–8");
        if (PruneSteps is < 1 or > 20) throw new CondenseException($"prune steps {PruneSteps} must be in 1–20");
        if (PruneEpochs is < 0 or > 100) throw new CondenseException($"prune epochs {PruneEpochs} must be in 0–100");
        if (ShareEpochs is < 0 or > 100) throw new CondenseException($"share epochs {ShareEpochs} must be in 0–100");
        if (!(PruneLearningRate > 0 && PruneLearningRate <= 1)) throw new CondenseException($"prune learning rate {PruneLearningRate} must be in (0, 1]");
        if (!(ShareLearningRate > 0 && ShareLearningRate <= 1)) throw new CondenseException($"share learning rate {ShareLearningRate} must be in (0, 1]");
    }
}
