using Condense.Models;

namespace Condense.LowRank;

/// <summary>
/// One training recipe of the rank study: a 784-1000-1000-10 classifier with this dropout, trained
/// with these settings, its fc2's effective rank recorded every epoch.
/// </summary>
public sealed record RankStudyConfig(string Name, string Description, double Dropout, TrainingOptions Training)
{
    /// <summary>
    /// Our sources' three recipes. Baseline: the classifier's defaults (dropout 0.5, Adam 1e-3,
    /// batch 64, StepLR γ 0.7, 5 epochs). L2: a weight penalty λ = 1e-4 with a smaller batch (32),
    /// a higher rate (2e-3) and 20 epochs, so the penalty has more steps to shrink the directions the
    /// data does not use. L1: λ = 2e-5 with less dropout (0.2) and a slower decay (γ 0.9), 10 epochs,
    /// so the rate stays high long enough for the constant L1 pull to zero the unused weights.
    /// <paramref name="epochs"/>, when given, replaces every recipe's epoch count (1–1000).
    /// </summary>
    public static IReadOnlyList<RankStudyConfig> Defaults(int? epochs = null, int seed = 0)
    {
        if (epochs is { } e && e is < 1 or > 1000) throw new CondenseException($"epochs {e} must be in 1–1000");
        var baseline = new TrainingOptions { Seed = seed };
        return
        [
            new("baseline", "dropout 0.5, batch 64, lr 1e-3, γ 0.7", 0.5, baseline with { Epochs = epochs ?? 5 }),
            new("L2", "L2 1e-4, dropout 0.5, batch 32, lr 2e-3, γ 0.7", 0.5,
                baseline with { Epochs = epochs ?? 20, BatchSize = 32, LearningRate = 2e-3, L2 = 1e-4 }),
            new("L1", "L1 2e-5, dropout 0.2, batch 64, lr 1e-3, γ 0.9", 0.2,
                baseline with { Epochs = epochs ?? 10, StepGamma = 0.9, L1 = 2e-5 }),
        ];
    }
}
