using Condense.Distillation;
using Condense.Formats.Onnx;
using Condense.Models;

namespace Condense.Cli.Demo;

/// <summary>
/// Data-free distillation on the demo's classifier: a 784-100-10 student that never sees a
/// training image, trained on a generator's images against the classifier
/// (<see cref="DataFreeOptions.Adversarial"/>, Micaelli &amp; Storkey / Fang et al.), written as ONNX.
/// The demo runs a short 80 generator steps (77 %; 35 s at load 20 on 2 cores; 10 with
/// <c>--quick</c>); <c>condense distill --data-free</c>'s 400 steps reach 92 % (docs/distillation.md).
/// </summary>
public sealed class DataFreeStage : IDemoStage
{
    public string Name => "data-free distillation";

    public IEnumerable<DemoArtifact> Run(DemoStageContext c)
    {
        if (!c.Model.Net.IsClassifier || c.Model.Kind != ModelKind.Classifier) yield break;
        var options = DataFreeOptions.Adversarial with { Steps = c.Options.Quick ? 10 : 80, Seed = 0 };
        var path = Path.Combine(c.Options.Folder, $"{c.Model.Name}.student-data-free.onnx");
        using (var student = StudentSpec.Parse("784-100-10").Create(0, c.Model.Net.Normalization))
        {
            DataFreeDistiller.Train(student, c.Model.Net, c.Train.Features, options);
            OnnxWriter.Write(path, OnnxExporter.Export(student));
        }
        yield return new DemoArtifact("data-free distillation", $"784-100-10, no training image, {options.Steps} generator steps (batch {options.BatchSize})", path);
    }
}
