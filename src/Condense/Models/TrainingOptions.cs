namespace Condense.Models;

/// <summary>
/// Settings of <see cref="Trainer"/>. Defaults are our sources' (and the PyTorch peer's):
/// Adam at 1e-3, batch 64, the learning rate multiplied by <see cref="StepGamma"/> after every
/// epoch, no weight penalties.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training data; 1–1000.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Mini-batch size; 1–65536.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam's learning rate; (0, 1].</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>StepLR factor per epoch, (0, 1]; null keeps the rate fixed (the autoencoder's default).</summary>
    public double? StepGamma { get; init; } = 0.7;

    /// <summary>L1 penalty λ·Σ|w| on weight matrices (not biases); pushes weights to exactly zero.</summary>
    public double L1 { get; init; }

    /// <summary>L2 penalty λ·Σw² on weight matrices (not biases); shrinks weights, lowers effective rank.</summary>
    public double L2 { get; init; }

    /// <summary>Augmentation: when &gt; 0 every training batch is replaced by a copy whose images are each
    /// shifted by a random whole-pixel (dx, dy) ∈ [−Shift, Shift]² (<see cref="Data.RandomShift"/>; 28 × 28
    /// images only); 0–8, default 0 (off). The offsets are drawn from their own generator seeded by
    /// <see cref="Seed"/>, so runs with the same seed see the same shifted batches.</summary>
    public int Shift { get; init; }

    /// <summary>Seeds the shuffling and dropout; the same seed and data give byte-identical weights.</summary>
    public int Seed { get; init; }

    /// <summary>The defaults for a model kind: the autoencoder trains without the StepLR decay, as in the peer.</summary>
    public static TrainingOptions For(ModelKind kind) =>
        kind == ModelKind.Autoencoder ? new TrainingOptions { StepGamma = null } : new TrainingOptions();

    /// <summary>Throws a <see cref="CondenseException"/> quoting the first out-of-range setting, before any training starts.</summary>
    public void Validate()
    {
        if (Epochs is < 1 or > 1000) throw new CondenseException($"epochs {Epochs} must be in 1–1000");
        if (BatchSize is < 1 or > 65536) throw new CondenseException($"batch size {BatchSize} must be in 1–65536");
        if (!(LearningRate > 0 && LearningRate <= 1)) throw new CondenseException($"learning rate {LearningRate} must be in (0, 1]");
        if (StepGamma is { } g && !(g > 0 && g <= 1)) throw new CondenseException($"StepLR gamma {g} must be in (0, 1]");
        if (Shift is < 0 or > 8) throw new CondenseException($"shift {Shift} must be in 0–8 pixels");
        if (!(L1 >= 0) || double.IsInfinity(L1)) throw new CondenseException($"L1 penalty {L1} must be ≥ 0");
        if (!(L2 >= 0) || double.IsInfinity(L2)) throw new CondenseException($"L2 penalty {L2} must be ≥ 0");
    }
}
