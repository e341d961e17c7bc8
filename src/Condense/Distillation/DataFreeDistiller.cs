using Condense.Data;
using Condense.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Distillation;

/// <summary>A point of a data-free run's curve: the student's test accuracy after a number of generator steps.</summary>
public sealed record DataFreeCheckpoint(int Step, double StudentAccuracy, double GeneratorLoss, double StudentLoss);

/// <summary>
/// Data-free knowledge distillation: the student never sees a training image. A generator G maps
/// noise to 28×28 images (sigmoid pixels, the range the classifiers' normalisation expects); per
/// step G is updated on the loss of <see cref="DataFreeOptions"/> (DAFL's one-hot and
/// information-entropy terms against the teacher, minus Micaelli &amp; Storkey's teacher–student KL),
/// then the student is updated to match the teacher's softened outputs on G's images. The teacher
/// is frozen (eval mode, no parameter gradients). The test set is read only to score checkpoints,
/// never by an update.
/// </summary>
public static class DataFreeDistiller
{
    /// <summary>The generator: z → 256 → 512 → pixels, BatchNorm and ReLU between (DAFL's MNIST generator, fully connected).</summary>
    public static Sequential Generator(int noise, int pixels) => nn.Sequential(
        ("fc1", nn.Linear(noise, 256)), ("bn1", nn.BatchNorm1d(256)), ("relu1", nn.ReLU()),
        ("fc2", nn.Linear(256, 512)), ("bn2", nn.BatchNorm1d(512)), ("relu2", nn.ReLU()),
        ("fc3", nn.Linear(512, pixels)), ("out", nn.Sigmoid()));

    /// <summary>Trains <paramref name="student"/> in place; <paramref name="test"/> (optional) only scores the checkpoints.</summary>
    public static IReadOnlyList<DataFreeCheckpoint> Train(CondenseModel student, CondenseModel teacher, int pixels, DataFreeOptions options,
        Dataset? test = null, int checkpointEvery = 0, Action<string>? progress = null)
    {
        options.Validate();
        if (!student.IsClassifier || !teacher.IsClassifier) throw new CondenseException("data-free distillation needs a classifier teacher and student");
        manual_seed(options.Seed);
        using var generator = Generator(options.NoiseSize, pixels);
        var frozen = teacher.parameters().Select(p => (p, p.requires_grad)).ToList();
        var wasTraining = teacher.training;
        teacher.eval();
        foreach (var (p, _) in frozen) p.requires_grad = false;
        var checkpoints = new List<DataFreeCheckpoint>();
        try
        {
            using var gOpt = optim.Adam(generator.parameters(), options.GeneratorLearningRate);
            using var sOpt = optim.Adam(student.parameters(), options.StudentLearningRate);
            double gLoss = 0, sLoss = 0;
            for (var step = 1; step <= options.Steps; step++)
            {
                using var scope = NewDisposeScope();
                generator.train();
                student.train();
                var z = randn(options.BatchSize, options.NoiseSize);
                var x = generator.forward(z);
                var t = teacher.forward(x);
                var s = student.forward(x);
                var loss = GeneratorLoss(t, s, options);
                gOpt.zero_grad();
                loss.backward();
                gOpt.step();
                gLoss = loss.item<float>();

                // The teacher's outputs on these images do not depend on G's update: reuse them.
                var images = x.detach();
                var target = t.detach();
                for (var k = 0; k < options.StudentSteps; k++)
                {
                    sOpt.zero_grad();
                    var kl = DistillationLoss.SoftKl(student.forward(images), target, options.Temperature);
                    kl.backward();
                    sOpt.step();
                    sLoss = kl.item<float>();
                }
                if (test is not null && checkpointEvery > 0 && (step % checkpointEvery == 0 || step == options.Steps))
                {
                    var accuracy = Evaluator.Evaluate(student, test).Accuracy ?? double.NaN;
                    checkpoints.Add(new DataFreeCheckpoint(step, accuracy, gLoss, sLoss));
                    progress?.Invoke($"step {step}/{options.Steps}: student test accuracy {accuracy:P2}, generator loss {gLoss:F4}, student KL {sLoss:F4}");
                }
            }
            return checkpoints;
        }
        finally
        {
            foreach (var (p, g) in frozen) p.requires_grad = g;
            teacher.train(wasTraining);
            student.eval();
        }
    }

    /// <summary>
    /// The generator's loss on a batch: w₁·CE(t, argmax t) − w₂·H(mean softmax t) − w₃·KL(softmax t ‖ softmax s).
    /// <paramref name="teacher"/> and <paramref name="student"/> are log-probabilities (or logits) of the same images.
    /// </summary>
    public static Tensor GeneratorLoss(Tensor teacher, Tensor student, DataFreeOptions options)
    {
        using var scope = NewDisposeScope();
        var logP = nn.functional.log_softmax(teacher, 1);
        var loss = zeros(1).squeeze();
        if (options.OneHotWeight > 0)
            loss = loss + options.OneHotWeight * nn.functional.nll_loss(logP, logP.argmax(1));
        if (options.EntropyWeight > 0)
        {
            var mean = logP.exp().mean([0]);
            var entropy = -(mean * (mean + 1e-8).log()).sum();
            loss = loss - options.EntropyWeight * entropy;
        }
        if (options.AdversarialWeight > 0)
        {
            var logQ = nn.functional.log_softmax(student, 1);
            loss = loss - options.AdversarialWeight * (logP.exp() * (logP - logQ)).sum(1).mean();
        }
        return loss.MoveToOuterDisposeScope();
    }
}
