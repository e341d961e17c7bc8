using System.CommandLine;
using Condense.Workflows;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense fold MODEL.onnx -o OUT.onnx</c>: BatchNormalization merged into its Conv/Gemm,
/// Identity and dead nodes removed, verified in ONNX Runtime before the file is written.
/// </summary>
public static class FoldCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("model") { Description = "The ONNX model to fold (never modified)" };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the folded model (.onnx)", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the random verification inputs", DefaultValueFactory = _ => 0 };
        var noMeasure = new Option<bool>("--no-measure") { Description = "Skip timing the original and the folded model" };
        var json = CliConsole.JsonOption();
        var command = new Command("fold", "Fold BatchNormalization into Conv/Gemm and remove Identity and dead nodes, exactly.")
        {
            input, output, seed, noMeasure, json,
        };
        command.SetAction(parse =>
        {
            var report = FoldWorkflow.Run(new FoldRequest(parse.GetValue(input)!, parse.GetValue(output)!, Seed: parse.GetValue(seed), Measure: !parse.GetValue(noMeasure)));
            if (parse.GetValue(json))
            {
                CliConsole.WriteReport(parse, report);
                return 0;
            }
            var console = CliConsole.For(parse);
            var g = report.Graph;
            var table = new Table().AddColumns("change", "count");
            table.AddRow("BatchNormalization folded", g.BatchNormsFolded.ToString());
            table.AddRow("Identity / Dropout removed", g.IdentitiesRemoved.ToString());
            table.AddRow("dead nodes removed", g.DeadNodesRemoved.ToString());
            table.AddRow("unused initializers removed", g.InitializersRemoved.ToString());
            table.AddRow("initializer inputs made plain (IR 3 → 4)", g.InitializerInputsRemoved.ToString());
            console.Write(table);
            foreach (var line in g.Left) console.MarkupLineInterpolated($"[yellow]left:[/] {line}");
            console.WriteLine($"{report.ModelPath} -> {report.OutputPath}: {g.NodesBefore} -> {g.NodesAfter} nodes, {report.BytesBefore:N0} -> {report.BytesAfter:N0} bytes; " +
                $"ONNX Runtime on {report.Verification.InputSource}: max relative difference {report.Verification.WorstRelative:G3}");
            RuntimeReportTable.WriteTiming(console, report.Timing, report.Warnings);
            return 0;
        });
        return command;
    }
}
