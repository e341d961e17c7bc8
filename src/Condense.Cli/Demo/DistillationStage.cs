using Condense.Data;
using Condense.Distillation;
using Condense.Formats.Onnx;
using Condense.Models;
using Condense.Workflows;

namespace Condense.Cli.Demo;

/// <summary>
/// A 784-100-10 student (23× fewer parameters than the classifier) trained alone and trained on a
/// teacher's softened outputs (Hinton et al.), both exported to ONNX, with
/// <see cref="DistillationRecipe"/>'s settings: the teacher is the classifier retrained on images
/// jittered by ±2 pixels (the demo's own classifier, trained without jitter, measurably does not
/// help; docs/distillation.md), and both students get the same 30 epochs on the original images.
/// </summary>
public sealed class DistillationStage : IDemoStage
{
    public string Name => "distillation";

    public IEnumerable<DemoArtifact> Run(DemoStageContext c)
    {
        if (!c.Model.Net.IsClassifier || c.Model.Kind != ModelKind.Classifier) yield break;
        var quick = c.Options.Quick;
        var teacherTraining = DistillationRecipe.TeacherTraining with { Epochs = quick ? 1 : DistillationRecipe.TeacherTraining.Epochs, Seed = 0 };
        var studentTraining = DistillationRecipe.StudentTraining with { Epochs = quick ? 1 : DistillationRecipe.StudentTraining.Epochs, Seed = 0 };
        using var teacher = TrainOrReuseTeacher(c, teacherTraining);
        var teacherAccuracy = Evaluator.Evaluate(teacher, c.Test).Accuracy ?? double.NaN;
        var spec = StudentSpec.Parse("784-100-10");
        var options = DistillationRecipe.Options;
        var accuracy = new double[2];
        foreach (var withTeacher in new[] { false, true })
        {
            using var student = spec.Create(0);
            if (withTeacher) Distiller.Train(student, teacher, c.Train, null, options, studentTraining);
            else Trainer.Train(student, c.Train, null, studentTraining);
            accuracy[withTeacher ? 1 : 0] = Evaluator.Evaluate(student, c.Test).Accuracy ?? double.NaN;
            var path = Path.Combine(c.Options.Folder, $"{c.Model.Name}.student{(withTeacher ? "-distilled" : "-alone")}.onnx");
            OnnxWriter.Write(path, OnnxExporter.Export(student));
            yield return new DemoArtifact(withTeacher ? "distillation" : "small dense (no teacher)",
                withTeacher
                    ? $"784-100-10, T={options.Temperature}, α={options.Alpha}, {studentTraining.Epochs} epochs"
                    : $"784-100-10 trained alone, {studentTraining.Epochs} epochs", path);
        }
        c.Notes.Add($"Distillation: teacher = the classifier retrained with ±{teacherTraining.Shift} px jitter ({teacherTraining.Epochs} epochs): {teacherAccuracy:P2}; " +
            $"the 784-100-10 student {accuracy[0]:P2} alone, {accuracy[1]:P2} with the teacher (seed 0; over 5 seeds see docs/distillation.md).");
    }

    /// <summary>The jittered teacher from the demo folder when trained so, else trained and saved there (<see cref="TrainedModelCache"/>).</summary>
    static MlpModel TrainOrReuseTeacher(DemoStageContext c, TrainingOptions training) =>
        TrainedModelCache.LoadOrTrain(new TrainedModelRequest<MlpModel>(Path.Combine(c.Options.Folder, $"{c.Model.Name}.teacher-jitter.safetensors"),
            TrainedModelRecipe.Mlp(ModelKind.Classifier), training, DataSets.Mnist10k, c.Train, c.Test) { Retrain = c.Options.Retrain }).Model;
}
