using System.CommandLine;
using Condense.Cli.Reports;
using Condense.Planning;
using Condense.Workflows;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary><c>condense plan MODEL.onnx --max-bytes N | --max-error E -o OUT.onnx</c> (handed over by <see cref="PlanCommand"/> for ONNX files).</summary>
public static class PlanOnnx
{
    static readonly Option<string?> MaxBytes = new("--max-bytes") { Description = "ONNX: the written file's budget, e.g. 5MB, 1200000, or a setting analysed (e.g. g4): the bytes of that uniform setting" };
    static readonly Option<double?> MaxError = new("--max-error") { Description = "ONNX: the most relative output error on held-out samples, e.g. 0.05" };
    static readonly Option<double?> MaxLatency = new("--max-latency") { Description = "ONNX: the most ONNX Runtime latency in milliseconds (one thread, median of 15 runs on a held-out sample), measured per layer and on the planned model" };
    static readonly Option<string[]> Keep = new("--keep") { Description = "ONNX node names held at float32", AllowMultipleArgumentsPerToken = true };
    static readonly Option<string?> Output = new("--output", "-o") { Description = "ONNX: where the planned model goes" };
    static readonly Option<string?> PlanJson = new("--plan-json") { Description = "ONNX: write the plan as JSON" };

    public static void Add(Command command)
    {
        foreach (var o in new Option[] { MaxBytes, MaxError, MaxLatency, Keep, Output, PlanJson }) command.Options.Add(o);
        OnnxAnalysisOptions.Add(command);
    }

    public static int Run(ParseResult parse, string path, bool json)
    {
        var output = parse.GetValue(Output) ?? throw new CondenseException("plan: an ONNX model needs -o OUT.onnx");
        var text = parse.GetValue(MaxBytes);
        var asSetting = text is not null && char.IsLetter(text[0]) && !text.Contains('.', StringComparison.Ordinal) ? text : null;
        long? maxBytes = text is not null && asSetting is null ? SizeBudget.ParseSize(text).BytesFor(0) : null;
        var console = CliConsole.For(parse);
        var request = new OnnxPlanRequest(OnnxAnalysisOptions.Request(parse, path, json ? null : console.WriteLine), output,
            parse.GetValue(PlanJson), maxBytes, parse.GetValue(MaxError), parse.GetValue(Keep) ?? [], asSetting, parse.GetValue(MaxLatency));
        var report = OnnxPlanning.Run(request);
        if (parse.GetValue(OnnxAnalysisOptions.Report) is { } html) AnalysisReportHtml.Write(html, report.Analysis, report);
        if (json)
        {
            CliConsole.WriteReport(parse, report);
            return 0;
        }
        AnalyzeOnnx.Write(console, report.Analysis);
        var table = new Table().Title($"plan: {report.Budget}").AddColumns("layer", "setting", "bytes", "model error (layer alone, selection samples)");
        foreach (var l in report.Layers)
            table.AddRow(Markup.Escape(l.Node), l.Setting + (l.Kept ? " (kept)" : ""), $"{l.Bytes:N0}", $"{l.ModelError:0.0000}");
        console.Write(table);
        var p = report.Plan;
        var random = report.Analysis.IsRandomData ? " — RANDOM INPUTS: this error says little about real use" : $" (held out: {report.Analysis.HeldOutOutputSamples} samples, none of them chosen on)";
        console.WriteLine($"{path} -> {report.Output}: {report.Analysis.Original.Bytes:N0} -> {p.Bytes:N0} bytes; output error {p.Error:0.0000}{random}, cosine {p.Cosine:0.0000}{(p.Accuracy is { } a ? $", accuracy {a:P2}" : "")}; predicted {report.PredictedError:0.0000}{(report.SelectionError is { } sel ? $", {sel:0.0000} on the {report.Analysis.SensitivitySamples} selection samples" : "")}{(report.UniformOnSelection is { } u ? $" (uniform {u}: lower there than the planner's choice)" : "")}; {report.Rounds} round(s){(request.MaxLatencyMs is null ? "" : $"; load average {Bench.LoadAverages.OneMinute()}")}");
        return 0;
    }
}
