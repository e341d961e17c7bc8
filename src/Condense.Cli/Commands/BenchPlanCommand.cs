using Condense.Cli.Bench;
using System.CommandLine;
using System.Globalization;
using Condense.Workflows;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench plan [--model classifier|resnet18|minilm]</c>: issue 23's planner figure on the MNIST
/// classifier in ONNX (<see cref="ClassifierPlanBench"/>) or on a packaged model (<see cref="PackagedModelPlanBench"/>),
/// through the library in this process: at uniform g4's bytes, the plan's held-out error against uniform
/// g4's (target ≤ 0.5×), from every method and from quantization alone.
/// </summary>
public static class BenchPlanCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "classifier (trained here, 2 epochs), resnet18 (folded, sample photos) or minilm (embedded sentences)",
            DefaultValueFactory = _ => PlanBenchReport.Classifier,
        };
        model.AcceptOnlyFromAmong([PlanBenchReport.Classifier, .. PackagedModelPlanBench.Models]);
        var folder = new Option<string>("--folder") { Description = "Where the trained classifier (and a packaged model's folded file and data, in a subfolder) is kept between runs", DefaultValueFactory = _ => PlanBenchReport.DefaultFolder };
        var threads = new Option<int>("--threads") { Description = "Workers for the analysis", DefaultValueFactory = _ => 2 };
        var selection = new Option<int>("--selection-samples")
        {
            Description = "Classifier: calibration digits (of 192) withheld from fitting that the plans are chosen on: 1–96",
            DefaultValueFactory = _ => ClassifierPlanBench.DefaultSelectionSamples,
        };
        var json = CliConsole.JsonOption();
        var command = new Command("plan", "Planner on the MNIST classifier, ResNet18 or MiniLM (ONNX): plan vs uniform 4-bit error at equal bytes (≤ 0.5×).") { model, folder, threads, selection, json };
        command.SetAction(parse =>
        {
            var asJson = parse.GetValue(json);
            var console = CliConsole.For(parse);
            var name = parse.GetValue(model)!;
            if (name != PlanBenchReport.Classifier && parse.GetResult(selection) is { Implicit: false })
                throw new CondenseException($"bench plan: --selection-samples is the classifier's; {name} chooses on the selection samples its data gives");
            Action<string>? progress = asJson ? null : line => console.WriteLine(Markup.Escape(line));
            var r = PlanBenchReport.Measure(name, parse.GetValue(folder)!, parse.GetValue(threads), progress, parse.GetValue(selection));
            var row = PlanBenchReport.From(r, LoadAverages.OneMinute(), PlanBenchReport.Describe(name));
            if (asJson)
            {
                CliConsole.WriteReport(parse, row);
                return 0;
            }
            var inv = CultureInfo.InvariantCulture;
            var table = new Table().AddColumns("model", "bytes", "held-out error", "÷ uniform g4", "layers");
            table.AddRow("uniform g4", r.Uniform.Bytes.ToString("N0", inv), r.Uniform.Error.ToString("F5", inv), "1", "–");
            table.AddRow("plan (every method)", r.Plan.Bytes.ToString("N0", inv), row.PlanError.ToString("F5", inv), row.PlanRatio.ToString("F3", inv), Markup.Escape(row.PlanSettings));
            table.AddRow("plan (quantization only)", r.QuantizationOnly.Bytes.ToString("N0", inv), row.QuantizationOnlyError.ToString("F5", inv),
                row.QuantizationOnlyRatio.ToString("F3", inv), Markup.Escape(row.QuantizationOnlySettings));
            console.Write(table);
            console.WriteLine($"plan: predicted {r.Plan.PredictedError:F5}, {r.Plan.SelectionError:F5} on the {r.SelectionSamples} selection samples{(r.Plan.UniformOnSelection is { } u ? $" (uniform {u}, lower there than the planner's choice)" : "")}");
            console.WriteLine($"{Markup.Escape(r.Data)}; {r.WallSeconds:F0} s wall, {r.CpuSeconds:F0} s CPU; load average {row.LoadAverage}");
            return 0;
        });
        return command;
    }
}
