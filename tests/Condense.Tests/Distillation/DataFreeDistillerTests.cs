using Condense.Data;
using Condense.Distillation;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Tests.Distillation;

/// <summary>The data-free generator's loss on known teacher outputs, the generator's images, and short runs that train the student on generated images only.</summary>
public class DataFreeDistillerTests
{
    static readonly DataFreeOptions Weights = new() { OneHotWeight = 1, ActivationWeight = 0, EntropyWeight = 2, AdversarialWeight = 3, L1Discrepancy = false };

    [Fact]
    public void GeneratorLossHasKnownValuesOnAUniformAndAOneHotTeacher()
    {
        using var uniform = full(4, 10, -Math.Log(10));
        // Uniform teacher, identical student: CE = ln 10, batch-mean entropy ln 10, KL 0.
        using var loss = DataFreeDistiller.GeneratorLoss(uniform, null, uniform, Weights);
        Assert.Equal(Math.Log(10) - 2 * Math.Log(10), loss.item<float>(), 4);
        // Confident teacher, all four images class 3: CE ≈ 0, entropy ≈ 0; the student (uniform) disagrees: KL ≈ ln 10.
        using var confident = full(4, 10, -30f);
        confident[TensorIndex.Colon, 3] = tensor(0f);
        using var adversarial = DataFreeDistiller.GeneratorLoss(confident, null, uniform, Weights with { EntropyWeight = 1, AdversarialWeight = 1 });
        Assert.Equal(-Math.Log(10), adversarial.item<float>(), 3);
    }

    [Fact]
    public void TheEntropyTermRewardsABalancedBatchOfConfidentImagesNotAmbiguousOnes()
    {
        // Ten confident images, one per class: the batch-mean prediction is uniform (entropy ln 10) and CE ≈ 0.
        using var balanced = full(10, 10, -30f);
        for (var i = 0; i < 10; i++) balanced[i, i] = tensor(0f);
        var options = new DataFreeOptions { OneHotWeight = 1, ActivationWeight = 0, EntropyWeight = 5 };
        using var good = DataFreeDistiller.GeneratorLoss(balanced, null, null, options);
        Assert.Equal(-5 * Math.Log(10), good.item<float>(), 3);
        // Ten ambiguous images (each uniform): the same batch-mean entropy, but CE = ln 10 — a per-image entropy would prefer these.
        using var ambiguous = full(10, 10, -Math.Log(10));
        using var bad = DataFreeDistiller.GeneratorLoss(ambiguous, null, null, options);
        Assert.Equal(Math.Log(10) - 5 * Math.Log(10), bad.item<float>(), 3);
        Assert.True(good.item<float>() < bad.item<float>());
    }

    [Fact]
    public void TheActivationTermAndConditionalTargetsHaveKnownValues()
    {
        using var confident = full(2, 10, -30f);
        confident[TensorIndex.Colon, 3] = tensor(0f);
        using var features = tensor(new float[] { 1, -3, 2, 0 }, 2, 2);
        var options = new DataFreeOptions { OneHotWeight = 1, ActivationWeight = 0.5, EntropyWeight = 0 };
        // CE ≈ 0; mean |f| = 1.5.
        using var loss = DataFreeDistiller.GeneratorLoss(confident, features, null, options);
        Assert.Equal(-0.75, loss.item<float>(), 4);
        // Asked for class 4 (a conditional generator): CE = 30 − log(1 + e⁻³⁰·…) ≈ 30 for both images.
        using var labels = tensor(new long[] { 4, 4 });
        using var missed = DataFreeDistiller.GeneratorLoss(confident, null, null, options with { ActivationWeight = 0 }, labels);
        Assert.Equal(30, missed.item<float>(), 3);
    }

    [Fact]
    public void L1DiscrepancyIgnoresTheLogPartitionAndIsZeroOnlyWhenTheyAgree()
    {
        using var s = tensor(new float[] { 1, 2, 3, 0, 0, 0 }, 2, 3);
        using var shifted = s + tensor(new float[] { 5, 5, 5, -2, -2, -2 }, 2, 3);
        var l1 = new DataFreeOptions { L1Discrepancy = true };
        using var same = DataFreeDistiller.Discrepancy(s, shifted, l1);
        Assert.Equal(0, same.item<float>(), 5);
        using var t = tensor(new float[] { 1, 2, 6, 0, 0, 0 }, 2, 3);
        // Row 1 centred: (−1, 0, 1) vs (−2, −1, 3): |1| + |1| + |2| = 4; row 2: 0 → mean over 6 entries = 4/6.
        using var differ = DataFreeDistiller.Discrepancy(s, t, l1);
        Assert.Equal(4.0 / 6, differ.item<float>(), 5);
    }

    [Fact]
    public void GeneratedBatchesAreStandardisedLikeTheTeachersInputAndLabelsAreBalanced()
    {
        manual_seed(3);
        using var g = new DataFreeGenerator(8, 16, Normalization.Mnist, classes: 4);
        using var random = new Generator(0, "cpu");
        random.manual_seed(5);
        using var x = g.Sample(12, random, out var labels);
        using var standard = (x - Normalization.Mnist.Mean) / Normalization.Mnist.Std;
        Assert.Equal(0, standard.mean().item<float>(), 4);
        Assert.Equal(1, standard.var(unbiased: false).item<float>(), 3);
        Assert.Equal(new long[] { 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3 }, labels!.data<long>().ToArray());
        labels.Dispose();
        // Same seeds, same bytes.
        manual_seed(3);
        using var g2 = new DataFreeGenerator(8, 16, Normalization.Mnist, classes: 4);
        using var random2 = new Generator(0, "cpu");
        random2.manual_seed(5);
        using var x2 = g2.Sample(12, random2, out var labels2);
        labels2?.Dispose();
        Assert.True(x.allclose(x2, 0, 0));
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
        var curve = DataFreeDistiller.Train(student, teacher, 16, DataFreeOptions.Dafl with { Steps = 60, BatchSize = 32, NoiseSize = 8, Seed = 2, Conditional = true, ActivationWeight = 0.1 }, checkpointEvery: 60);
        Assert.True(Agreement() > start + 0.15, $"agreement {start} → {Agreement()}");
        // The conditional generator's last batch: the teacher sees every class (32 images, 4 classes).
        Assert.All(curve[^1].TeacherClassCounts, c => Assert.True(c >= 4, $"classes [{string.Join(" ", curve[^1].TeacherClassCounts)}]"));
        Assert.All(teacher.parameters().Zip(before), p => Assert.True(p.First.allclose(p.Second, 0, 0)));
        Assert.All(teacher.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void TheAdversarialRecipeTrainsTheStudentTooAndIsDeterministic()
    {
        double[] Run()
        {
            manual_seed(1);
            using var teacher = new MlpModel(ModelKind.Classifier, [16, 20, 4], 0, Normalization.Mnist);
            using var student = new MlpModel(ModelKind.Classifier, [16, 8, 4], 0, Normalization.Mnist);
            using var probe = rand(64, 16);
            var options = DataFreeOptions.Adversarial with { Steps = 30, BatchSize = 32, NoiseSize = 8, Seed = 2, StudentSteps = 3 };
            double Agreement()
            {
                using var _ = no_grad();
                return (teacher.forward(probe).argmax(1) == student.forward(probe).argmax(1)).to_type(ScalarType.Float32).mean().item<float>();
            }
            var start = Agreement();
            var curve = DataFreeDistiller.Train(student, teacher, 16, options, checkpointEvery: 10);
            return [start, Agreement(), curve[0].StudentLoss, curve[^1].StudentLoss];
        }
        var a = Run();
        Assert.True(a[1] > Math.Max(a[0], 0.6), $"agreement {a[0]} → {a[1]}");
        Assert.True(a[3] < a[2], $"student's L1 to the teacher {a[2]} → {a[3]}");
        Assert.Equal(a, Run());
    }

    [Fact]
    public void OptionsOutOfRangeAreRefused()
    {
        Assert.Throws<CondenseException>(() => new DataFreeOptions { Steps = 0 });
        Assert.Throws<CondenseException>(() => new DataFreeOptions { ActivationWeight = -1 });
        Assert.Throws<CondenseException>(() => new DataFreeOptions { GeneratorLearningRate = double.NaN });
    }
}
