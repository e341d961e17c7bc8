using System.CommandLine;
using Condense.Analysis;
using Condense.Cli.Reports;
using Condense.Workflows;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary><c>condense analyze MODEL.onnx</c>: the per-layer analysis as tables or JSON (handed over by <see cref="AnalyzeCommand"/> for ONNX files).</summary>
public static class AnalyzeOnnx
{
    public static int Run(ParseResult parse, string path, bool json)
    {
        var console = CliConsole.For(parse);
        var report = OnnxAnalysis.Run(OnnxAnalysisOptions.Request(parse, path, json ? ProfileLines() : console.WriteLine));
        if (parse.GetValue(OnnxAnalysisOptions.Report) is { } html) AnalysisReportHtml.Write(html, report, null);
        if (json)
        {
            CliConsole.WriteReport(parse, report);
            return 0;
        }
        Write(console, report);
        return 0;
    }

    /// <summary>Under <c>--json</c> standard output holds only the report: the stage lines that
    /// <c>CONDENSE_PROFILE=1</c> asks for go to standard error, and no other progress is shown (progress lines
    /// start with the elapsed time, so the stage line is found by its tag, not its start).</summary>
    static Action<string>? ProfileLines() =>
        Runtime.StageTimes.Enabled ? line => { if (line.Contains("stages: ", StringComparison.Ordinal)) Console.Error.WriteLine(line); } : null;

    /// <summary>The layer table, the sensitivity table and the uniform settings.</summary>
    public static void Write(IAnsiConsole console, OnnxAnalysisReport report)
    {
        console.Profile.Width = Math.Max(console.Profile.Width, 200);
        var metrics = new Table().Title("per layer: the weight, and each setting's bound ≥ measured held-out relative output error of the layer");
        metrics.AddColumns("layer", "op", "rows×cols", "‖W‖₁", "cond₁", "eff. rank", "bound holds", "bound ÷ measured");
        foreach (var l in report.Layers)
            metrics.AddRow(Markup.Escape(l.Node), l.Kind, $"{l.Rows}×{l.Columns}", $"{l.OneNorm:G4}", $"{l.Cond1:G4}", $"{l.EffectiveRank:F1}",
                l.BoundHolds ? "yes" : "[red]NO[/]", l.Looseness is { } x ? $"≤ {x:G3}×" : "–");
        console.Write(metrics);
        var settings = report.Settings;
        var sensitivity = new Table().Title($"model output error with one layer compressed (relative, {report.SensitivitySamples} selection samples from the calibration set); held-out layer error / bound below");
        sensitivity.AddColumn("layer");
        foreach (var s in settings) sensitivity.AddColumn(new TableColumn(s).RightAligned());
        foreach (var l in report.Layers)
            sensitivity.AddRow([Markup.Escape(l.Node), .. l.Settings.Select(s => $"{s.ModelError:0.0000}\n[grey]{s.LayerError:0.000}/{s.Bound:G2}[/]")]);
        console.Write(sensitivity);
        var uniform = new Table().Title("every layer at one setting").AddColumns("setting", "bytes", "ratio", "output error", "cosine", "accuracy");
        foreach (var u in report.Uniform.Prepend(report.Original))
            uniform.AddRow(u.Name, $"{u.Bytes:N0}", $"{(double)u.Bytes / report.Original.Bytes:0.000}", $"{u.Error:0.0000}", $"{u.Cosine:0.0000}", u.Accuracy is { } a ? $"{a:P2}" : "–");
        console.Write(uniform);
        foreach (var line in report.Untouched) console.WriteLine($"not analysed: {line}");
        console.WriteLine($"data: {report.Data}{(report.IsRandomData ? " — RANDOM INPUTS: these errors say little about real use" : "")}; {report.CalibrationSamples} calibration, {report.HeldOutSamples} held out");
        console.WriteLine(report.SampleUse);
        console.WriteLine($"analysis took {report.Elapsed.TotalSeconds:0.0} s");
    }
}
