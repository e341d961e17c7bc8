using Condense.Data;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Distillation;

/// <summary>
/// Trains a student on a teacher's softened outputs through the <see cref="Trainer"/>'s loss
/// hook: the teacher runs (in eval mode, without gradients) on each batch the student sees,
/// shifted copies included when <see cref="TrainingOptions.Shift"/> augments the data, so
/// shuffling, augmentation and the learning-rate schedule are exactly those of ordinary training
/// and the comparison with a student trained alone (<see cref="Trainer.Train"/> with the same
/// options) changes one thing only: the teacher's soft term.
/// </summary>
public static class Distiller
{
    /// <summary>Trains <paramref name="student"/> on <paramref name="train"/> against the labels and the frozen <paramref name="teacher"/>'s softened outputs (Hinton et al. 2015), evaluating on <paramref name="test"/> after each epoch when given.</summary>
    public static TrainingResult Train(CondenseModel student, CondenseModel teacher, Dataset train, Dataset? test,
        DistillationOptions options, TrainingOptions training)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        if (!student.IsClassifier || !teacher.IsClassifier)
            throw new CondenseException("distillation needs a classifier teacher and a classifier student");
        var wasTraining = teacher.training;
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
                    return DistillationLoss.Compute(output, soft, target, options);
                },
            });
        }
        finally
        {
            teacher.train(wasTraining);
        }
    }
}
