using Condense.Data;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Distillation;

/// <summary>
/// A point of a data-free run's curve after <paramref name="Step"/> generator steps: the student's
/// test accuracy (NaN without a test set), the last losses, and how the teacher classified the last
/// generated batch (<paramref name="TeacherClassCounts"/>, one count per class: DAFL's entropy term
/// should keep it balanced).
/// </summary>
public sealed record DataFreeCheckpoint(int Step, double StudentAccuracy, double GeneratorLoss, double StudentLoss, IReadOnlyList<int> TeacherClassCounts);

/// <summary>
/// Data-free knowledge distillation (DAFL, Chen et al., ICCV 2019): the student never sees a
/// training image. A <see cref="DataFreeGenerator"/> turns noise into images the frozen teacher
/// classifies confidently, with large hidden activations, and into every class in equal shares
/// across a batch (<see cref="GeneratorLoss"/>); the student learns to match the teacher's outputs on
/// those images. Generator and student are updated in turn, one batch per step. The test set is
/// read only to score checkpoints, never by an update.
/// </summary>
public static class DataFreeDistiller
{
    /// <summary>Trains <paramref name="student"/> in place; <paramref name="test"/> (optional) only scores the checkpoints.</summary>
    /// <param name="student">The classifier to train; only generated images reach it.</param>
    /// <param name="teacher">A classifier; an <see cref="MlpModel"/> when <see cref="DataFreeOptions.ActivationWeight"/> is positive (its last hidden layer is the feature).</param>
    /// <param name="pixels">Input size of both networks (784 for 28×28).</param>
    /// <param name="options">Steps, batch, learning rates and the loss weights.</param>
    /// <param name="test">Scores checkpoints only.</param>
    /// <param name="checkpointEvery">Generator steps between checkpoints (0: none).</param>
    /// <param name="progress">Receives a line per checkpoint.</param>
    public static IReadOnlyList<DataFreeCheckpoint> Train(CondenseModel student, CondenseModel teacher, int pixels, DataFreeOptions options,
        Dataset? test = null, int checkpointEvery = 0, Action<string>? progress = null)
    {
        if (!student.IsClassifier || !teacher.IsClassifier) throw new CondenseException("data-free distillation needs a classifier teacher and student");
        var mlp = teacher as MlpModel;
        if (options.ActivationWeight > 0 && mlp is null)
            throw new CondenseException($"data-free: the activation term needs the teacher's hidden features, which a {teacher.GetType().Name} does not expose; set its weight to 0");
        manual_seed(options.Seed);
        using var random = new Generator(0, "cpu");
        random.manual_seed(options.Seed);
        var classes = ClassCount(teacher, pixels);
        using var generator = new DataFreeGenerator(options.NoiseSize, pixels, mlp?.Normalization ?? Normalization.Mnist, options.Conditional ? classes : 0);
        var frozen = teacher.parameters().Select(p => (p, p.requires_grad)).ToList();
        var wasTraining = teacher.training;
        teacher.eval();
        foreach (var (p, _) in frozen) p.requires_grad = false;
        var checkpoints = new List<DataFreeCheckpoint>();
        try
        {
            using var gOpt = optim.Adam(generator.Parameters(), options.GeneratorLearningRate);
            using var sOpt = optim.Adam(student.parameters(), options.StudentLearningRate);
            double gLoss = 0, sLoss = 0;
            for (var step = 1; step <= options.Steps; step++)
            {
                using var scope = NewDisposeScope();
                student.train();
                var x = generator.Sample(options.BatchSize, random, out var labels);
                Tensor? features = null;
                var t = mlp is not null ? mlp.Forward(x, out features) : teacher.forward(x);
                var adversarial = options.AdversarialWeight > 0 ? student.forward(x) : null;
                var loss = GeneratorLoss(t, features, adversarial, options, labels);
                gOpt.zero_grad();
                loss.backward();
                gOpt.step();
                gLoss = loss.item<float>();

                // Student steps: the first on this batch (the teacher's outputs do not depend on G's
                // update), each further one on a fresh batch from the updated generator
                // (Micaelli & Storkey's n_S student steps per generator step).
                var images = x.detach();
                var target = t.detach();
                for (var k = 0; k < options.StudentSteps; k++)
                {
                    if (k > 0)
                    {
                        using (no_grad())
                        {
                            images = generator.Sample(options.BatchSize, random, out _);
                            target = teacher.forward(images);
                        }
                    }
                    sOpt.zero_grad();
                    var discrepancy = Discrepancy(student.forward(images), target, options);
                    discrepancy.backward();
                    sOpt.step();
                    sLoss = discrepancy.item<float>();
                }
                if (checkpointEvery > 0 && (step % checkpointEvery == 0 || step == options.Steps))
                {
                    var counts = bincount(target.argmax(1), minlength: (int)target.shape[1]).data<long>().Select(c => (int)c).ToArray();
                    var accuracy = test is null ? double.NaN : Evaluator.Evaluate(student, test).Accuracy ?? double.NaN;
                    checkpoints.Add(new DataFreeCheckpoint(step, accuracy, gLoss, sLoss, counts));
                    progress?.Invoke($"step {step}/{options.Steps}: student test accuracy {accuracy:P2}, generator loss {gLoss:F4}, student KL {sLoss:F4}, " +
                        $"teacher's classes in the batch [{string.Join(" ", counts)}]");
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
    /// The generator's loss on a batch (DAFL's L_oh − α·L_a − β·H, plus an optional adversarial term):
    /// w_oh·CE(t, argmax t) − w_a·mean|f| − w_H·H(mean over the batch of softmax t) − w_adv·KL(softmax t ‖ softmax s).
    /// H is the entropy of the batch-mean distribution (largest when the batch uses every class
    /// equally), not the mean of per-image entropies (largest when every image is ambiguous).
    /// </summary>
    /// <param name="teacher">Teacher log-probabilities (or logits), N × C.</param>
    /// <param name="features">The teacher's last hidden activations, N × H (null: no activation term).</param>
    /// <param name="student">Student log-probabilities of the same images (null: no adversarial term).</param>
    /// <param name="options">The four weights.</param>
    /// <param name="labels">The classes a conditional generator was asked for: the one-hot term's targets instead of the teacher's arg-max (null: arg-max).</param>
    public static Tensor GeneratorLoss(Tensor teacher, Tensor? features, Tensor? student, DataFreeOptions options, Tensor? labels = null)
    {
        using var scope = NewDisposeScope();
        var logP = nn.functional.log_softmax(teacher, 1);
        var loss = zeros(1).squeeze();
        if (options.OneHotWeight > 0)
            loss = loss + options.OneHotWeight * nn.functional.nll_loss(logP, labels ?? logP.argmax(1));
        if (options.ActivationWeight > 0 && features is not null)
            loss = loss - options.ActivationWeight * features.abs().mean();
        if (options.EntropyWeight > 0)
        {
            var mean = logP.exp().mean([0]);
            var entropy = -(mean * (mean + 1e-8).log()).sum();
            loss = loss - options.EntropyWeight * entropy;
        }
        if (options.AdversarialWeight > 0 && student is not null)
            loss = loss - options.AdversarialWeight * Discrepancy(student, teacher, options, teacherGradient: true);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// What the student minimises and the adversarial generator maximises: KL(softmax(t/T) ‖
    /// softmax(s/T)), or the mean absolute difference of the centred log-probabilities (Fang et
    /// al.'s data-free adversarial distillation: it does not vanish where both are confident, as the
    /// KL does). Centring each row removes the log-partition, so log-probabilities act as logits.
    /// </summary>
    public static Tensor Discrepancy(Tensor student, Tensor teacher, DataFreeOptions options, bool teacherGradient = false)
    {
        using var scope = NewDisposeScope();
        var t = teacherGradient ? teacher : teacher.detach();
        Tensor result;
        if (options.L1Discrepancy)
        {
            var ls = nn.functional.log_softmax(student, 1);
            var lt = nn.functional.log_softmax(t, 1);
            result = ((ls - ls.mean([1], keepdim: true)) - (lt - lt.mean([1], keepdim: true))).abs().mean();
        }
        else
        {
            var logQ = nn.functional.log_softmax(student / options.Temperature, 1);
            var logP = nn.functional.log_softmax(t / options.Temperature, 1);
            result = (logP.exp() * (logP - logQ)).sum(1).mean();
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The teacher's number of classes: the width of its output on one blank input.</summary>
    static int ClassCount(CondenseModel teacher, int pixels)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var wasTraining = teacher.training;
        teacher.eval();
        var classes = (int)teacher.forward(zeros(1, pixels)).shape[1];
        teacher.train(wasTraining);
        return classes;
    }
}
