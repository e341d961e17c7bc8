namespace Condense.Distillation;

/// <summary>
/// Settings of knowledge distillation (Hinton, Vinyals and Dean, "Distilling the Knowledge in a
/// Neural Network", 2015, §2). Defaults T = 4, α = 0.9 are <see cref="DistillationRecipe"/>'s, the
/// setting measured to help on MNIST-10k (docs/distillation.md).
/// </summary>
public sealed record DistillationOptions
{
    /// <summary>Softmax temperature T of both teacher and student in the soft loss; (0, 1000].
    /// T = 1 is the plain softmax; higher T exposes the teacher's ranking of the wrong classes.</summary>
    public double Temperature { get; init; } = 4;

    /// <summary>Weight α of the soft loss; [0, 1]. The loss is α·T²·KL(teacher_T ‖ student_T) + (1 − α)·CE(student, labels).
    /// T² keeps the soft gradients' scale independent of T (paper, end of §2).</summary>
    public double Alpha { get; init; } = 0.9;

    /// <summary>Throws a <see cref="CondenseException"/> quoting the first out-of-range setting, before any training starts.</summary>
    public void Validate()
    {
        if (!(Temperature > 0) || Temperature > 1000)
            throw new CondenseException($"temperature {Temperature} must be greater than 0 (and at most 1000)");
        if (!(Alpha >= 0 && Alpha <= 1))
            throw new CondenseException($"alpha {Alpha} must be in [0, 1]");
    }
}
