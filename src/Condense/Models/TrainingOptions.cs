using System.Globalization;

namespace Condense.Models;

/// <summary>
/// Settings of <see cref="Trainer"/>. Defaults are our sources' (and the PyTorch peer's):
/// Adam at 1e-3, batch 64, the learning rate multiplied by <see cref="StepGamma"/> after every
/// epoch, no weight penalties. Each setting is checked when it is set (initialiser or <c>with</c>),
/// so options that exist are valid and no trainer has to remember to check them.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training data; 1–1000.</summary>
    public int Epochs { get; init => field = value is >= 1 and <= 1000 ? value : throw new CondenseException($"epochs must be 1–1000, got {value}"); } = 5;

    /// <summary>Mini-batch size; 1–65536.</summary>
    public int BatchSize { get; init => field = value is >= 1 and <= 65536 ? value : throw new CondenseException($"batch size must be 1–65536, got {value}"); } = 64;

    /// <summary>Adam's learning rate; (0, 1].</summary>
    public double LearningRate { get; init => field = value > 0 && value <= 1 ? value : throw Refused("learning rate must be in (0, 1]", value); } = 1e-3;

    /// <summary>StepLR factor per epoch, (0, 1]; null keeps the rate fixed (the autoencoder's default).</summary>
    public double? StepGamma { get; init => field = value is not { } g || (g > 0 && g <= 1) ? value : throw Refused("StepLR gamma must be in (0, 1]", g); } = 0.7;

    /// <summary>L1 penalty λ·Σ|w| on weight matrices (not biases); pushes weights to exactly zero. Non-negative and finite.</summary>
    public double L1 { get; init => field = CheckPenalty("L1", value); }

    /// <summary>L2 penalty λ·Σw² on weight matrices (not biases); shrinks weights, lowers effective rank. Non-negative and finite.</summary>
    public double L2 { get; init => field = CheckPenalty("L2", value); }

    /// <summary>Augmentation: when &gt; 0 every training batch is replaced by a copy whose images are each
    /// shifted by a random whole-pixel (dx, dy) ∈ [−Shift, Shift]² (<see cref="Data.RandomShift"/>; 28 × 28
    /// images only); 0–8, default 0 (off). The offsets are drawn from their own generator seeded by
    /// <see cref="Seed"/>, so runs with the same seed see the same shifted batches.</summary>
    public int Shift { get; init => field = value is >= 0 and <= 8 ? value : throw new CondenseException($"shift must be 0–8 pixels, got {value}"); }

    /// <summary>Seeds the shuffling and dropout; the same seed and data give byte-identical weights.</summary>
    public int Seed { get; init; }

    /// <summary>The defaults for a model kind: the autoencoder trains without the StepLR decay, as in the peer.</summary>
    public static TrainingOptions For(ModelKind kind) =>
        kind == ModelKind.Autoencoder ? new TrainingOptions { StepGamma = null } : new TrainingOptions();

    static double CheckPenalty(string name, double value) => value >= 0 && double.IsFinite(value) ? value
        : throw Refused($"{name} penalty must be non-negative and finite", value);

    static CondenseException Refused(string rule, double value) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{rule}, got {value}"));
}
