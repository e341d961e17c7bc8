using Condense.Distillation;
using Condense.Formats.Onnx;
using Condense.Models;

namespace Condense.Cli.Demo;

/// <summary>
/// A 784-100-10 student (55× fewer parameters than the classifier) trained alone and trained on
/// the classifier's softened outputs (Hinton et al.), both exported to ONNX.
/// </summary>
public sealed class DistillationStage : IDemoStage
{
    public string Name => "distillation";

    public IEnumerable<DemoArtifact> Run(DemoStageContext c)
    {
        if (!c.Model.Net.IsClassifier) yield break;
        var spec = StudentSpec.Parse("784-100-10");
        var training = new TrainingOptions { Epochs = c.Options.Quick ? 1 : 5, Seed = 0 };
        foreach (var withTeacher in new[] { false, true })
        {
            using var student = spec.Create(0);
            if (withTeacher) Distiller.Train(student, c.Model.Net, c.Train, null, new DistillationOptions(), training);
            else Trainer.Train(student, c.Train, null, training);
            var path = Path.Combine(c.Options.Folder, $"{c.Model.Name}.student{(withTeacher ? "-distilled" : "-alone")}.onnx");
            OnnxWriter.Write(path, OnnxExporter.Export(student));
            var options = new DistillationOptions();
            yield return new DemoArtifact(withTeacher ? "distillation" : "small dense (no teacher)",
                withTeacher ? $"784-100-10, T={options.Temperature}, α={options.Alpha}" : "784-100-10 trained alone", path);
        }
    }
}
