using static TorchSharp.torch;

namespace Condense.Distillation;

/// <summary>
/// Hinton et al.'s loss: α·T²·KL(softmax(z_t/T) ‖ softmax(z_s/T)) + (1 − α)·CE(z_s, y). Condense's
/// classifiers output log-probabilities, not logits; that loses nothing, because
/// log_softmax(log_softmax(z)/T) = log_softmax(z/T) (the log-partition is a constant per row).
/// </summary>
public static class DistillationLoss
{
    /// <summary>The batch-mean loss, differentiable in <paramref name="student"/>.</summary>
    /// <param name="student">Student log-probabilities (or logits), N × C.</param>
    /// <param name="teacher">Teacher log-probabilities (or logits), N × C; no gradient flows into it.</param>
    /// <param name="labels">Class indices, N (int64).</param>
    /// <param name="options">Temperature and α.</param>
    public static Tensor Compute(Tensor student, Tensor teacher, Tensor labels, DistillationOptions options)
    {
        using var scope = NewDisposeScope();
        var hard = nn.functional.cross_entropy(student, labels);
        if (options.Alpha == 0) return hard.MoveToOuterDisposeScope();
        var t = options.Temperature;
        var kl = SoftKl(student, teacher, t);
        var loss = options.Alpha * t * t * kl + (1 - options.Alpha) * hard;
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>Batch-mean KL(softmax(teacher/T) ‖ softmax(student/T)), without the T² factor; no gradient reaches the teacher.</summary>
    public static Tensor SoftKl(Tensor student, Tensor teacher, double t)
    {
        using var scope = NewDisposeScope();
        var logQ = nn.functional.log_softmax(student / t, 1);
        var logP = nn.functional.log_softmax(teacher.detach() / t, 1);
        return (logP.exp() * (logP - logQ)).sum(1).mean().MoveToOuterDisposeScope();
    }
}
