using Condense.Data;
using Condense.Distillation;
using Condense.Models;
using Condense.Models.Cnn;

namespace Condense.Workflows.Distill;

/// <summary>
/// The teacher of <c>condense distill</c>: a model file (an MLP or a CNN), or, without one, the
/// default classifier trained here as <c>condense train --model classifier</c> would (same seed), so
/// the whole workflow can run in one process (what <c>bench all</c> measures).
/// </summary>
public static class DistillationTeacher
{
    /// <summary>How the report names a teacher trained here.</summary>
    public const string TrainedHere = "(trained here: classifier, 'condense train' defaults)";

    /// <summary>The teacher at <paramref name="path"/>, or the default classifier trained on <paramref name="data"/> (default MNIST-10k) with <paramref name="seed"/>.</summary>
    public static (CondenseModel Net, ModelCard Card) Load(string? path, string? data, int seed)
    {
        if (path is null) return Train(data ?? DataSets.Mnist10k, seed);
        return CnnModelFile.IsCnnFile(path) ? CnnModelFile.Load(path) : ModelFile.Load(path);
    }

    /// <summary>Refuses a teacher that is no classifier and a student whose input or output size differs from the teacher's; <paramref name="name"/> is how the message names the teacher.</summary>
    public static void RequireFits(CondenseModel teacher, StudentSpec student, string name)
    {
        // A CNN takes the same 784 pixels and gives 10 classes, so teacher and student may be either kind.
        var (inputs, classes) = teacher is MlpModel m ? (m.Sizes[0], m.Sizes[^1]) : (784, 10);
        if (!teacher.IsClassifier) throw new CondenseException($"{name}: the teacher must be a classifier, not {(teacher as MlpModel)?.Kind}");
        if (student.Sizes[0] != inputs || student.Sizes[^1] != classes)
            throw new CondenseException($"student {student} must have the teacher's input and output sizes ({inputs} in, {classes} out)");
    }

    static (MlpModel Net, ModelCard Card) Train(string dataName, int seed)
    {
        var (train, test) = DataSets.Load(dataName);
        var options = TrainingOptions.For(ModelKind.Classifier) with { Seed = seed };
        var net = ModelFactory.Create(ModelKind.Classifier, seed);
        var result = Trainer.Train(net, train, test, options);
        net.eval();
        return (net, new ModelCard(dataName, options, result.Final));
    }
}
