using System.CommandLine;
using Condense.Cli.Demo;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense demo</c>: the README's main job, on the embedded MNIST-10k with no argument.
/// Trains (or reuses) the classifier and autoencoder, compresses them with every method, loads
/// every file back to measure it, and writes <c>out/demo/report.html</c> with its figures.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "Folder for the demo's files and report", DefaultValueFactory = _ => Path.Combine("out", "demo") };
        var quick = new Option<bool>("--quick") { Description = "One training epoch and fewer settings: a run of about two minutes" };
        var retrain = new Option<bool>("--retrain") { Description = "Train the models again even when the folder holds them" };
        var json = CliConsole.JsonOption();
        var command = new Command("demo", "Train, compress with every method, measure every file, and write an HTML report.") { output, quick, retrain, json };
        command.SetAction(parse =>
        {
            var console = CliConsole.For(parse);
            var asJson = parse.GetValue(json);
            var folder = parse.GetValue(output)!;
            var runner = new DemoRunner(new DemoOptions(folder, parse.GetValue(quick), parse.GetValue(retrain)),
                asJson ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) }) : console);
            var result = runner.Run();
            DemoReport.Write(folder, result);
            if (asJson)
            {
                CliConsole.WriteJson(parse, result);
                return 0;
            }
            var table = new Table().AddColumns("model", "method", "setting", "bytes", "× smaller", "accuracy / MSE", "output error", "file");
            foreach (var r in result.Rows)
                table.AddRow(r.Model, Markup.Escape(r.Method), Markup.Escape(r.Setting), r.Bytes.ToString("N0"), $"{r.TimesSmaller:F1}×",
                    r.Accuracy is { } a ? a.ToString("P2") : r.Mse!.Value.ToString("F5"), r.OutputError.ToString("G3"), Markup.Escape(r.File));
            console.Write(table);
            console.MarkupLineInterpolated($"Report: [bold]{Path.Combine(folder, "report.html")}[/] ({result.Seconds:F0} s)");
            return 0;
        });
        return command;
    }
}
