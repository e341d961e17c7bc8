using System.Globalization;

namespace Condense.Distillation;

/// <summary>
/// Settings of knowledge distillation (Hinton, Vinyals and Dean, "Distilling the Knowledge in a
/// Neural Network", 2015, §2). Defaults T = 4, α = 0.9 are <see cref="DistillationRecipe"/>'s, the
/// setting measured to help on MNIST-10k (docs/distillation.md). Each setting is checked when it
/// is set (initialiser or <c>with</c>), so options that exist are valid.
/// </summary>
public sealed record DistillationOptions
{
    /// <summary>Softmax temperature T of both teacher and student in the soft loss; (0, 1000].
    /// T = 1 is the plain softmax; higher T exposes the teacher's ranking of the wrong classes.</summary>
    public double Temperature
    {
        get;
        init => field = value > 0 && value <= 1000 ? value
            : throw new CondenseException(string.Create(CultureInfo.InvariantCulture, $"temperature must be greater than 0 and at most 1000, got {value}"));
    } = 4;

    /// <summary>Weight α of the soft loss; [0, 1]. The loss is α·T²·KL(teacher_T ‖ student_T) + (1 − α)·CE(student, labels).
    /// T² keeps the soft gradients' scale independent of T (paper, end of §2).</summary>
    public double Alpha
    {
        get;
        init => field = value is >= 0 and <= 1 ? value
            : throw new CondenseException(string.Create(CultureInfo.InvariantCulture, $"alpha must be in [0, 1], got {value}"));
    } = 0.9;
}
