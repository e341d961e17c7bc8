using Condense.Data;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Distillation;

/// <summary>
/// Trains a student on a teacher's softened outputs through the <see cref="Trainer"/>'s loss
/// hook: the teacher runs (in eval mode, without gradients) on each batch the student sees, so
/// shuffling, dropout and the learning-rate schedule are exactly those of ordinary training and
/// the comparison with a student trained alone changes one thing only.
/// </summary>
public static class Distiller
{
    public static TrainingResult Train(CondenseModel student, CondenseModel teacher, Dataset train, Dataset? test,
        DistillationOptions options, TrainingOptions training)
    {
        options.Validate();
        if (!student.IsClassifier || !teacher.IsClassifier)
            throw new CondenseException("distillation needs a classifier teacher and a classifier student");
        var wasTraining = teacher.training;
        var random = new Random(unchecked((int)training.Seed) ^ 0x5eed);
        teacher.eval();
        try
        {
            return Trainer.Train(student, train, test, training, new TrainingHooks
            {
                Loss = (output, input, target) =>
                {
                    // Created inside the trainer's per-batch dispose scope, which releases it.
                    Tensor soft;
                    using (no_grad()) soft = teacher.forward(input);
                    var loss = DistillationLoss.Compute(output, soft, target, options);
                    if (options.Shift == 0 || options.Alpha == 0) return loss;
                    var shifted = Shift(input, random.Next(-options.Shift, options.Shift + 1), random.Next(-options.Shift, options.Shift + 1));
                    Tensor softShifted;
                    using (no_grad()) softShifted = teacher.forward(shifted);
                    var t = options.Temperature;
                    return loss + options.Alpha * t * t * DistillationLoss.SoftKl(student.forward(shifted), softShifted, t);
                },
            });
        }
        finally
        {
            teacher.train(wasTraining);
        }
    }

    /// <summary>The batch of 28 × 28 images moved by (dx, dy) pixels (wrapping round; MNIST's border is background).</summary>
    static Tensor Shift(Tensor input, int dx, int dy)
    {
        if (input.shape[1] != 784)
            throw new CondenseException($"distillation with shifted copies needs 28 × 28 images (784 inputs), not {input.shape[1]}; set the shift to 0");
        return input.view(-1, 28, 28).roll([dy, dx], [1, 2]).reshape(-1, 784);
    }
}
