using Condense.Data;
using Condense.Distillation;
using Condense.Models;
using Condense.Workflows;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense distill --data-free</c>: the student distilled without any training image, beside
/// the same student distilled with the data and trained alone (one seed of <see cref="DistillationStudy"/>).
/// </summary>
static class DistillDataFree
{
    public static int Run(System.CommandLine.ParseResult parse, MlpModel teacher, StudentSpec spec, Dataset train, Dataset test,
        DistillationOptions options, TrainingOptions training, string recipe, int steps, string? outPath, string dataName)
    {
        var dataFree = recipe switch
        {
            "adversarial" => DataFreeOptions.Adversarial,
            "dafl" => DataFreeOptions.Dafl,
            _ => throw new CondenseException($"--recipe '{recipe}': use adversarial or dafl"),
        } with { Steps = steps, Seed = training.Seed };
        var asJson = parse.GetValue<bool>("--json");
        var console = CliConsole.For(parse);
        Action<string>? progress = asJson ? null : console.WriteLine;
        using var student = spec.Create(training.Seed, teacher.Normalization);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var curve = DataFreeDistiller.Train(student, teacher, train.Features, dataFree, test, Math.Max(1, dataFree.Steps / 10), progress);
        var seconds = clock.Elapsed.TotalSeconds;
        var freeAccuracy = curve[^1].StudentAccuracy;
        if (outPath is not null)
        {
            ModelFiles.Save(outPath, student, new ModelCard(dataName));
        }
        var summary = DistillationStudy.Run(teacher, spec, train, test, options, training, 1, progress);
        if (asJson)
        {
            CliConsole.WriteJson(parse, new
            {
                data = dataName, student = spec.ToString(), student_parameters = summary.StudentParameters, teacher_accuracy = summary.TeacherAccuracy,
                data_free = new { accuracy = freeAccuracy, recipe, steps = dataFree.Steps, batch = dataFree.BatchSize, student_steps = dataFree.StudentSteps, seconds, curve, output = outPath },
                distilled_with_data = summary.Seeds[0].Distilled, trained_alone = summary.Seeds[0].Alone, epochs = training.Epochs,
            });
            return 0;
        }
        var table = new Table().AddColumns("student", "training images seen", "test accuracy");
        table.AddRow(Markup.Escape($"{spec}, data-free ({recipe}, {dataFree.Steps} generator steps)"), "0", freeAccuracy.ToString("P2"));
        table.AddRow(Markup.Escape($"{spec}, distilled with data"), $"{train.Count:N0} × {training.Epochs} epochs", summary.Seeds[0].Distilled.ToString("P2"));
        table.AddRow(Markup.Escape($"{spec}, trained alone"), $"{train.Count:N0} × {training.Epochs} epochs", summary.Seeds[0].Alone.ToString("P2"));
        table.AddRow("teacher", "", summary.TeacherAccuracy.ToString("P2"));
        console.Write(table);
        if (outPath is not null) console.WriteLine($"wrote {outPath} (the data-free student)");
        return 0;
    }
}
