using Condense.Data;
using Condense.Distillation;
using Condense.Models;

namespace Condense.Tests.Distillation;

/// <summary>
/// A short data-free run on real digits: a LeNet-300-100 teacher (1 epoch on MNIST-10k), a
/// 784-30-10 student that sees only generated images for 60 adversarial steps (measured: 41.95 %). Chance is 10 %; the
/// student must land far above it, it must predict most classes (7 or more of 10), and the same
/// seed must give the same student (to within 0.5 points: multi-threaded sums). (The ≥ 90 % figure takes 400 steps on the 1.8 M-parameter
/// classifier: docs/distillation.md.)
/// </summary>
[Trait("Category", "Slow")]
public class DataFreeAcceptanceTests
{
    [Fact]
    public void AStudentThatNeverSawADigitClassifiesThemWellAboveChance()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        using var teacher = ModelFactory.Create(ModelKind.LeNet300, 0);
        Trainer.Train(teacher, train, null, new TrainingOptions { Epochs = 1, Seed = 0 });
        var options = DataFreeOptions.Adversarial with { Steps = 60, BatchSize = 128, StudentSteps = 3, Seed = 0 };
        double Run(out int[] predicted)
        {
            using var student = StudentSpec.Parse("784-30-10").Create(0);
            DataFreeDistiller.Train(student, teacher, 784, options);
            using var scope = TorchSharp.torch.NewDisposeScope();
            using var _ = TorchSharp.torch.no_grad();
            var x = TorchSharp.torch.tensor(test.Images, test.Count, 784);
            predicted = student.forward(x).argmax(1).data<long>().Select(c => (int)c).ToArray();
            return Evaluator.Evaluate(student, test).Accuracy ?? 0;
        }
        var accuracy = Run(out var classes);
        Assert.True(accuracy > 0.3, $"data-free student {accuracy:P2}");
        // Measured: 8 of 10 (1 and 8 not yet after 60 steps); a collapsed generator gives a student that predicts a few classes.
        Assert.True(classes.Distinct().Count() >= 7, $"classes predicted: {string.Join(" ", classes.Distinct().Order())}");
        // Same seed, same student: equal up to the last bits of multi-threaded sums (tests do not pin OMP_NUM_THREADS).
        var again = Run(out _);
        Assert.True(Math.Abs(again - accuracy) <= 0.005, $"first run {accuracy:P2}, second {again:P2}");
    }
}
