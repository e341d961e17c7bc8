namespace Condense.Distillation;

/// <summary>
/// Settings of knowledge distillation (Hinton, Vinyals and Dean, "Distilling the Knowledge in a
/// Neural Network", 2015, §2). Defaults are the CLI's: T = 8, α = 0.5 and a ±2-pixel shifted
/// transfer set, the best of the settings measured on MNIST-10k (docs/distillation.md); even
/// these only matched, not beat, the student trained alone there.
/// </summary>
public sealed record DistillationOptions
{
    /// <summary>Softmax temperature T of both teacher and student in the soft loss; (0, 1000].
    /// T = 1 is the plain softmax; higher T exposes the teacher's ranking of the wrong classes.</summary>
    public double Temperature { get; init; } = 8;

    /// <summary>Weight α of the soft loss; [0, 1]. The loss is α·T²·KL(teacher_T ‖ student_T) + (1 − α)·CE(student, labels).
    /// T² keeps the soft gradients' scale independent of T (paper, end of §2).</summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary>Transfer set: when &gt; 0, every batch is also shown to teacher and student shifted
    /// by a random (dx, dy) ∈ [−Shift, Shift]² pixels (28 × 28 images only), and the student matches
    /// the teacher's soft targets there too (an extra α·T²·KL term; no labels are used). A teacher
    /// that has memorised its training images gives nearly one-hot targets on them; on shifted
    /// copies its targets carry the "dark knowledge" the paper's transfer set supplies. 0 turns it off.</summary>
    public int Shift { get; init; } = 2;

    public void Validate()
    {
        if (Shift is < 0 or > 8)
            throw new CondenseException($"shift {Shift} must be in 0–8 pixels");
        if (!(Temperature > 0) || Temperature > 1000)
            throw new CondenseException($"temperature {Temperature} must be greater than 0 (and at most 1000)");
        if (!(Alpha >= 0 && Alpha <= 1))
            throw new CondenseException($"alpha {Alpha} must be in [0, 1]");
    }
}
