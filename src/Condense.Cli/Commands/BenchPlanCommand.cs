using Condense.Cli.Bench;
using System.CommandLine;
using System.Globalization;
using Condense.Workflows;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench plan</c>: issue 23's planner figure on the MNIST classifier in ONNX, through the
/// library in this process (<see cref="ClassifierPlanBench"/>): at uniform g4's bytes, the plan's
/// held-out error against uniform g4's (target ≤ 0.5×), from every method and from quantization alone.
/// </summary>
public static class BenchPlanCommand
{
    public static Command Create()
    {
        var folder = new Option<string>("--folder") { Description = "Where the trained classifier is kept between runs", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "condense-bench-plan") };
        var threads = new Option<int>("--threads") { Description = "Workers for the analysis", DefaultValueFactory = _ => 2 };
        var json = CliConsole.JsonOption();
        var command = new Command("plan", "Planner on the MNIST classifier (ONNX): plan vs uniform 4-bit error at equal bytes (≤ 0.5×).") { folder, threads, json };
        command.SetAction(parse =>
        {
            var asJson = parse.GetValue(json);
            var console = CliConsole.For(parse);
            var r = ClassifierPlanBench.Run(parse.GetValue(folder)!, parse.GetValue(threads), asJson ? null : line => console.WriteLine(Markup.Escape(line)));
            static string Settings(OnnxBudgetPlanResult p) => string.Join(", ", p.Layers.Select(l => $"{l.Node} {l.Setting}"));
            var row = new
            {
                bench = "plan",
                model = "mnist classifier 784-1000-1000-10 (2 epochs), onnx",
                data = r.Data,
                uniform_g4_bytes = r.Uniform.Bytes,
                uniform_g4_error = r.Uniform.Error,
                plan_bytes = r.Plan.Bytes,
                plan_error = r.Plan.Measured.Error,
                plan_ratio = r.Plan.Measured.Error / r.Uniform.Error,
                plan_settings = Settings(r.Plan),
                quantization_only_bytes = r.QuantizationOnly.Bytes,
                quantization_only_error = r.QuantizationOnly.Measured.Error,
                quantization_only_ratio = r.QuantizationOnly.Measured.Error / r.Uniform.Error,
                quantization_only_settings = Settings(r.QuantizationOnly),
                wall_s = r.WallSeconds,
                cpu_s = r.CpuSeconds,
                load_average = LoadAverages.OneMinute(),
            };
            if (asJson)
            {
                CliConsole.WriteReport(parse, row);
                return 0;
            }
            var inv = CultureInfo.InvariantCulture;
            var table = new Table().AddColumns("model", "bytes", "held-out error", "÷ uniform g4", "layers");
            table.AddRow("uniform g4", r.Uniform.Bytes.ToString("N0", inv), r.Uniform.Error.ToString("F5", inv), "1", "–");
            table.AddRow("plan (every method)", r.Plan.Bytes.ToString("N0", inv), row.plan_error.ToString("F5", inv), row.plan_ratio.ToString("F3", inv), Markup.Escape(row.plan_settings));
            table.AddRow("plan (quantization only)", r.QuantizationOnly.Bytes.ToString("N0", inv), row.quantization_only_error.ToString("F5", inv),
                row.quantization_only_ratio.ToString("F3", inv), Markup.Escape(row.quantization_only_settings));
            console.Write(table);
            console.WriteLine($"{Markup.Escape(r.Data)}; {r.WallSeconds:F0} s wall, {r.CpuSeconds:F0} s CPU; load average {row.load_average}");
            return 0;
        });
        return command;
    }
}
