namespace Condense.Distillation;

/// <summary>
/// Settings of <see cref="DataFreeDistiller"/>. The generator's loss mixes DAFL's terms (Chen et
/// al., ICCV 2019: the teacher should be confident on each image — <see cref="OneHotWeight"/> —
/// and use every class across the batch — <see cref="EntropyWeight"/>) with the adversarial term
/// of Micaelli &amp; Storkey (NeurIPS 2019: seek images where student and teacher disagree —
/// <see cref="AdversarialWeight"/>); set either side to 0 to get the pure method.
/// </summary>
public sealed record DataFreeOptions
{
    /// <summary>Generator updates (each followed by <see cref="StudentSteps"/> student updates).</summary>
    public int Steps { get; init; } = 800;

    public int BatchSize { get; init; } = 128;

    /// <summary>Student updates per generator update (Micaelli &amp; Storkey use 10; more student steps per image batch are cheap here).</summary>
    public int StudentSteps { get; init; } = 2;

    /// <summary>Noise dimensions z of the generator.</summary>
    public int NoiseSize { get; init; } = 100;

    public double GeneratorLearningRate { get; init; } = 1e-3;
    public double StudentLearningRate { get; init; } = 1e-3;

    /// <summary>DAFL's one-hot loss: cross-entropy of the teacher's output against its own arg-max.</summary>
    public double OneHotWeight { get; init; } = 1;

    /// <summary>DAFL's information-entropy loss: minus the entropy of the batch-mean teacher prediction.</summary>
    public double EntropyWeight { get; init; } = 5;

    /// <summary>Micaelli &amp; Storkey's term: minus KL(teacher ‖ student) on the generated batch.</summary>
    public double AdversarialWeight { get; init; } = 1;

    /// <summary>Softmax temperature of the student's KL to the teacher.</summary>
    public double Temperature { get; init; } = 1;

    public long Seed { get; init; }

    public void Validate()
    {
        if (Steps is < 1 or > 1_000_000) throw new CondenseException($"data-free: steps {Steps} must be in 1–1,000,000");
        if (BatchSize is < 2 or > 65_536) throw new CondenseException($"data-free: batch size {BatchSize} must be in 2–65,536");
        if (StudentSteps is < 1 or > 100) throw new CondenseException($"data-free: student steps {StudentSteps} must be in 1–100");
        if (NoiseSize is < 1 or > 4096) throw new CondenseException($"data-free: noise size {NoiseSize} must be in 1–4096");
        foreach (var (name, v) in new[] { ("generator learning rate", GeneratorLearningRate), ("student learning rate", StudentLearningRate), ("temperature", Temperature) })
            if (!(v > 0) || double.IsInfinity(v)) throw new CondenseException($"data-free: {name} {v} must be positive and finite");
        foreach (var (name, v) in new[] { ("one-hot weight", OneHotWeight), ("entropy weight", EntropyWeight), ("adversarial weight", AdversarialWeight) })
            if (!(v >= 0) || double.IsInfinity(v)) throw new CondenseException($"data-free: {name} {v} must be non-negative and finite");
    }
}
