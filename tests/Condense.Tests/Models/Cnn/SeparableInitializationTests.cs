using Condense.Models.Cnn;
using static TorchSharp.torch;

namespace Condense.Tests.Models.Cnn;

/// <summary>The depthwise-separable student started from its teacher: exact where the teacher's convs are rank 1 per input channel.</summary>
public class SeparableInitializationTests
{
    // A teacher with trained-looking BN statistics: a few train-mode passes over the sample set them.
    static VggNet Teacher(string config, Tensor pixels)
    {
        manual_seed(3);
        var net = new VggNet(config);
        net.train();
        using (no_grad())
            for (int i = 0; i < 20; i++) net.forward(pixels).Dispose();
        net.eval();
        return net;
    }

    static Tensor Pixels()
    {
        var g = new Generator(5);
        return rand([64, 784], generator: g);
    }

    [Fact]
    public void AStudentOfARankOneTeacherComputesTheTeachersLogits()
    {
        using var scope = NewDisposeScope();
        var pixels = Pixels();
        using var teacher = Teacher("4,M,6,8,M", pixels);
        // conv2 and conv3 made exactly rank 1 per input channel: W[:, c] = a_c b_cᵀ.
        var g = new Generator(7);
        using (no_grad())
            foreach (var unit in teacher.ConvUnits.Skip(1))
            {
                var (o, i) = (unit.Conv.weight!.shape[0], unit.Conv.weight!.shape[1]);
                var a = randn([i, o, 1], generator: g);
                var b = randn([i, 1, 9], generator: g);
                unit.Conv.weight!.copy_(a.matmul(b).reshape(i, o, 3, 3).permute(1, 0, 2, 3));
            }
        using var student = new VggNet("4,M,d6,d8,M");
        // A shift of 50 deviations: no depthwise value reaches the ReLU's kink, so the split is exact.
        var kept = SeparableInitialization.FromTeacher(teacher, student, pixels, shift: 50);
        Assert.Equal(["conv2", "conv3"], kept.Keys.Order());
        Assert.All(kept.Values, share => Assert.Equal(1.0, share, 9));
        student.eval();
        using (no_grad())
        {
            var expected = teacher.forward(pixels);
            var actual = student.forward(pixels);
            var scale = expected.abs().max().item<float>();
            Assert.True((expected - actual).abs().max().item<float>() < 1e-4 * scale);
        }
    }

    [Fact]
    public void TheKeptShareIsTheLargestSingularValuesShareOfEachSlice()
    {
        using var scope = NewDisposeScope();
        var pixels = Pixels();
        using var teacher = Teacher("4,M,6,M", pixels);
        using var student = new VggNet("4,M,d6,M");
        var share = SeparableInitialization.FromTeacher(teacher, student, pixels)["conv2"];
        // Independently: σ₁² of each input channel's 6 × 9 slice is the top eigenvalue of its 9 × 9 Gram matrix.
        var w = teacher.ConvUnits[1].Conv.weight!.to(ScalarType.Float64);
        double top = 0;
        for (int c = 0; c < 4; c++)
        {
            var slice = w.select(1, c).reshape(6, 9);
            top += linalg.eigvalsh(slice.t().matmul(slice)).max().item<double>();
        }
        Assert.Equal(top / w.square().sum().item<double>(), share, 9);
        Assert.InRange(share, 1.0 / 9, 1.0);
        // Shared units and the classifier are copied as they are.
        Assert.True(student.ConvUnits[0].Conv.weight!.eq(teacher.ConvUnits[0].Conv.weight!).all().item<bool>());
        Assert.True(student.Head.weight!.eq(teacher.Head.weight!).all().item<bool>());
    }

    [Theory]
    [InlineData("4,M,6,M", "4,M,d8,M")]
    [InlineData("4,M,6,M", "4,M,6,6,M")]
    public void AStudentThatIsNotTheTeacherWithSeparableUnitsIsRefused(string teacherConfig, string studentConfig)
    {
        using var teacher = new VggNet(teacherConfig);
        using var student = new VggNet(studentConfig);
        using var pixels = zeros(2, 784);
        var ex = Assert.Throws<CondenseException>(() => SeparableInitialization.FromTeacher(teacher, student, pixels));
        Assert.Contains("depthwise-separable", ex.Message);
    }
}
