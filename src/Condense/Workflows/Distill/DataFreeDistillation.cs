using Condense.Data;
using Condense.Distillation;
using Condense.Models;

namespace Condense.Workflows.Distill;

/// <summary>
/// <c>condense distill --data-free</c> as one workflow: the teacher loaded or trained, the student
/// distilled without any training image (<see cref="DataFreeDistiller"/>), then the same student
/// distilled with the data and trained alone (one seed of <see cref="DistillationStudy"/>) beside it.
/// </summary>
public static class DataFreeDistillation
{
    /// <summary>Runs <paramref name="request"/>; the data-free student is written to its output path when set.</summary>
    public static DataFreeDistillationReport Run(DataFreeDistillationRequest request, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spec = StudentSpec.Parse(request.Student);
        var training = request.Training;
        if (request.OutputPath is { } o && !o.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new CondenseException($"the student is written as a .safetensors model file, not '{Path.GetFileName(o)}'");
        var (net, card) = DistillationTeacher.Load(request.TeacherPath, request.Data, training.Seed);
        using var _ = net;
        var teacherName = request.TeacherPath ?? DistillationTeacher.TrainedHere;
        DistillationTeacher.RequireFits(net, spec, teacherName);
        var dataName = request.Data ?? card.DataSet ?? DataSets.Mnist10k;
        var (train, test) = DataSets.Load(dataName);
        if (request.OutputPath is { } outPath) OutputPath.RefuseOverwrite(teacherName, outPath);
        var teacher = net as MlpModel ?? throw new CondenseException("--data-free distils from an MLP teacher");
        var dataFree = request.Recipe switch
        {
            "adversarial" => DataFreeOptions.Adversarial,
            "dafl" => DataFreeOptions.Dafl,
            _ => throw new CondenseException($"--recipe '{request.Recipe}': use adversarial or dafl"),
        } with { Steps = request.Steps, Seed = training.Seed };
        using var student = spec.Create(training.Seed, teacher.Normalization);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var curve = DataFreeDistiller.Train(student, teacher, train.Features, dataFree, test, Math.Max(1, dataFree.Steps / 10), progress);
        var seconds = clock.Elapsed.TotalSeconds;
        if (request.OutputPath is not null) ModelFiles.Save(request.OutputPath, student, new ModelCard(dataName));
        var summary = DistillationStudy.Run(teacher, spec, train, test, request.Distillation, training, 1, progress);
        var free = new DataFreeStudentReport(curve[^1].StudentAccuracy, request.Recipe, dataFree.Steps, dataFree.BatchSize, dataFree.StudentSteps, seconds, curve, request.OutputPath);
        return new DataFreeDistillationReport(dataName, spec.ToString(), summary.StudentParameters, summary.TeacherAccuracy, free,
            summary.Seeds[0].Distilled, summary.Seeds[0].Alone, training.Epochs, train.Count);
    }
}
