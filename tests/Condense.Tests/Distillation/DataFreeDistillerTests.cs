using Condense.Data;
using Condense.Distillation;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Tests.Distillation;

/// <summary>The data-free generator's loss on known teacher outputs, and a short run that trains the student on generated images only.</summary>
public class DataFreeDistillerTests
{
    [Fact]
    public void GeneratorLossHasKnownValuesOnAUniformAndAOneHotTeacher()
    {
        using var uniform = full(4, 10, -Math.Log(10));
        // Uniform teacher, identical student: CE = ln 10, batch-mean entropy ln 10, KL 0.
        var options = new DataFreeOptions { OneHotWeight = 1, EntropyWeight = 2, AdversarialWeight = 3 };
        using var loss = DataFreeDistiller.GeneratorLoss(uniform, uniform, options);
        Assert.Equal(Math.Log(10) - 2 * Math.Log(10), loss.item<float>(), 4);
        // Confident teacher, all four images class 3: CE ≈ 0, entropy ≈ 0; the student (uniform) disagrees: KL ≈ ln 10.
        using var confident = full(4, 10, -30f);
        confident[TensorIndex.Colon, 3] = tensor(0f);
        using var adversarial = DataFreeDistiller.GeneratorLoss(confident, uniform, new DataFreeOptions { OneHotWeight = 1, EntropyWeight = 1, AdversarialWeight = 1 });
        Assert.Equal(-Math.Log(10), adversarial.item<float>(), 3);
    }

    [Fact]
    public void TheStudentLearnsFromGeneratedImagesAloneAndTheTeacherIsUnchanged()
    {
        manual_seed(1);
        using var teacher = new MlpModel(ModelKind.Classifier, [16, 20, 4], 0, Normalization.Mnist);
        using var student = new MlpModel(ModelKind.Classifier, [16, 8, 4], 0, Normalization.Mnist);
        var before = teacher.parameters().Select(p => p.detach().clone()).ToList();
        var probe = rand(64, 16);
        double Agreement()
        {
            using var _ = no_grad();
            return (teacher.forward(probe).argmax(1) == student.forward(probe).argmax(1)).to_type(ScalarType.Float32).mean().item<float>();
        }
        var start = Agreement();
        DataFreeDistiller.Train(student, teacher, 16, new DataFreeOptions { Steps = 60, BatchSize = 32, NoiseSize = 8, Seed = 2 });
        Assert.True(Agreement() > Math.Max(start, 0.6), $"agreement {start} → {Agreement()}");
        Assert.All(teacher.parameters().Zip(before), p => Assert.True(p.First.allclose(p.Second, 0, 0)));
        Assert.All(teacher.parameters(), p => Assert.True(p.requires_grad));
    }
}
