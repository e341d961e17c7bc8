using Condense.Workflows.Distill;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense distill --data-free</c>'s table: the student distilled without any training image,
/// beside the same student distilled with the data and trained alone (<see cref="DataFreeDistillation"/>).
/// </summary>
static class DistillDataFree
{
    public static void Write(IAnsiConsole console, DataFreeDistillationReport r)
    {
        var free = r.DataFree;
        var table = new Table().AddColumns("student", "training images seen", "test accuracy");
        table.AddRow(Markup.Escape($"{r.Student}, data-free ({free.Recipe}, {free.Steps} generator steps)"), "0", free.Accuracy.ToString("P2"));
        table.AddRow(Markup.Escape($"{r.Student}, distilled with data"), $"{r.TrainingImages:N0} × {r.Epochs} epochs", r.DistilledWithData.ToString("P2"));
        table.AddRow(Markup.Escape($"{r.Student}, trained alone"), $"{r.TrainingImages:N0} × {r.Epochs} epochs", r.TrainedAlone.ToString("P2"));
        table.AddRow("teacher", "", r.TeacherAccuracy.ToString("P2"));
        console.Write(table);
        if (free.Output is { } path) console.WriteLine($"wrote {path} (the data-free student)");
    }
}
