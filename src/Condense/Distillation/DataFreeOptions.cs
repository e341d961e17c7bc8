using System.Globalization;

namespace Condense.Distillation;

/// <summary>
/// Settings of <see cref="DataFreeDistiller"/>. The generator's loss mixes two published recipes:
/// DAFL's (Chen et al., ICCV 2019) — <see cref="OneHotWeight"/>·CE(teacher, its own arg-max)
/// (confident images) − <see cref="ActivationWeight"/>·mean|teacher features| (images that excite
/// the teacher's last hidden layer) − <see cref="EntropyWeight"/>·H(batch-mean teacher prediction)
/// (every class, in equal shares) — and the adversarial one of Micaelli &amp; Storkey (NeurIPS 2019)
/// and Fang et al. (2019) — −<see cref="AdversarialWeight"/>·discrepancy(teacher, student): images
/// where the student is still wrong. The defaults are the adversarial recipe
/// (<see cref="Adversarial"/>), which on MNIST-10k's MLP teacher reaches 92 % where DAFL's terms
/// stall at 57–63 % (docs/distillation.md); <see cref="Dafl"/> is the other. Each setting is
/// checked when it is set (initialiser or <c>with</c>), so options that exist are valid.
/// </summary>
public sealed record DataFreeOptions
{
    /// <summary>Micaelli &amp; Storkey / Fang et al.: the generator only maximises the L1 discrepancy; 5 student steps per generator step. The default.</summary>
    public static DataFreeOptions Adversarial { get; } = new();

    /// <summary>DAFL as published: one-hot 1, activation 0.1, entropy 5, no adversarial term, KL at T = 1, one student step per generator step.</summary>
    public static DataFreeOptions Dafl { get; } = new()
    {
        OneHotWeight = 1, ActivationWeight = 0.1, EntropyWeight = 5, AdversarialWeight = 0, L1Discrepancy = false, StudentSteps = 1, GeneratorLearningRate = 1e-2,
    };

    /// <summary>Generator updates (each followed by <see cref="StudentSteps"/> student updates).</summary>
    public int Steps { get; init => field = InRange("steps", value, 1, 1_000_000); } = 400;

    /// <summary>Generated images per step, for the generator's and the student's updates alike.</summary>
    public int BatchSize { get; init => field = InRange("batch size", value, 2, 65_536); } = 256;

    /// <summary>Student updates per generator update: the first on the generator's batch, the others on fresh ones (DAFL: 1; Micaelli &amp; Storkey: 10; Fang et al.: 5).</summary>
    public int StudentSteps { get; init => field = InRange("student steps", value, 1, 100); } = 5;

    /// <summary>Noise dimensions z of the generator.</summary>
    public int NoiseSize { get; init => field = InRange("noise size", value, 1, 4096); } = 100;

    /// <summary>Adam learning rate of the generator (DAFL uses a larger one than the adversarial recipe).</summary>
    public double GeneratorLearningRate { get; init => field = Positive("generator learning rate", value); } = 1e-3;
    /// <summary>Adam learning rate of the student.</summary>
    public double StudentLearningRate { get; init => field = Positive("student learning rate", value); } = 2e-3;

    /// <summary>DAFL's one-hot loss: cross-entropy of the teacher's output against its own arg-max.</summary>
    public double OneHotWeight { get; init => field = NonNegative("one-hot weight", value); }

    /// <summary>DAFL's activation loss: minus the mean absolute activation of the teacher's last hidden layer (α = 0.1 in the paper).</summary>
    public double ActivationWeight { get; init => field = NonNegative("activation weight", value); }

    /// <summary>DAFL's information-entropy loss: minus the entropy (natural log) of the batch-mean teacher prediction — not the per-image entropy, which would reward ambiguous images.</summary>
    public double EntropyWeight { get; init => field = NonNegative("entropy weight", value); }

    /// <summary>The adversarial term: minus the teacher–student discrepancy on the generated batch (0: pure DAFL).</summary>
    public double AdversarialWeight { get; init => field = NonNegative("adversarial weight", value); } = 1;

    /// <summary>
    /// Condition the generator on a class (one-hot joined to z; image i asks for class i mod C) and
    /// aim the one-hot term at that class instead of the teacher's arg-max. Without it a class the
    /// teacher gives no probability to any generated image never receives a gradient (the softmax
    /// saturates), and DAFL's entropy term cannot bring it back.
    /// </summary>
    public bool Conditional { get; init; }

    /// <summary>Measure student–teacher disagreement by the L1 distance of centred log-probabilities (Fang et al.) instead of the KL at <see cref="Temperature"/>; used by the student's loss and the adversarial term alike.</summary>
    public bool L1Discrepancy { get; init; } = true;

    /// <summary>Softmax temperature of the student's KL to the teacher.</summary>
    public double Temperature { get; init => field = Positive("temperature", value); } = 1;

    /// <summary>Seed of the generator's noise and both networks' initialisation: the same seed gives the same student.</summary>
    public int Seed { get; init; }

    static int InRange(string name, int value, int min, int max) => value >= min && value <= max ? value
        : throw new CondenseException(string.Create(CultureInfo.InvariantCulture, $"data-free: {name} must be {min:N0}–{max:N0}, got {value}"));

    static double Positive(string name, double value) => value > 0 && double.IsFinite(value) ? value
        : throw new CondenseException(string.Create(CultureInfo.InvariantCulture, $"data-free: {name} must be positive and finite, got {value}"));

    static double NonNegative(string name, double value) => value >= 0 && double.IsFinite(value) ? value
        : throw new CondenseException(string.Create(CultureInfo.InvariantCulture, $"data-free: {name} must be non-negative and finite, got {value}"));
}
