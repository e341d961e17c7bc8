using Condense.Data;
using Condense.Distillation;
using Condense.Models;

namespace Condense.Tests.Distillation;

/// <summary>A small student gains from a LeNet-300-100 teacher, averaged over two seeds (same initial weights and batches with and without).</summary>
[Trait("Category", "Slow")]
public class DistillationAcceptanceTests
{
    [Fact]
    public void ASmallStudentGainsFromTheTeacher()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        using var teacher = ModelFactory.Create(ModelKind.LeNet300, 0);
        Trainer.Train(teacher, train, null, new TrainingOptions { Epochs = 5, Seed = 0 });
        var summary = DistillationStudy.Run(teacher, StudentSpec.Parse("784-30-10"), train, test,
            new DistillationOptions { Temperature = 4, Alpha = 0.9 }, new TrainingOptions { Epochs = 3, Seed = 1 }, seeds: 2);
        Assert.Equal(2, summary.Seeds.Count);
        Assert.True(summary.MeanGain > 0, $"alone {summary.MeanAlone:P2}, distilled {summary.MeanDistilled:P2}");
    }
}
