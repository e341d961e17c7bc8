using System.CommandLine;
using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Workflows;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense compress MODEL.onnx --ocs RATIO --bits B [--data PATH] -o OUT.onnx</c>: outlier
/// channel splitting against clipping and plain linear on every MatMul/Gemm/Conv, judged by each
/// layer's output error on held-out inputs (<see cref="OcsOnnxComparison"/>), at B and, for the
/// paper's comparison, at 4 and 6 bits; writes the OCS model at B (folded to float32).
/// </summary>
static class CompressOcs
{
    public static readonly Option<double?> Ratio = new("--ocs") { Description = "Outlier channel splitting: split this fraction of each layer's input columns; compare with clipping and plain linear; write the OCS model at --bits (default 6)" };

    public static int Run(ParseResult parse, string inPath, string outPath, int? bits, long minSize, int seed, bool json)
    {
        var model = OnnxReader.Read(inPath);
        var data = CalibrationDataLoader.Load(model, DataOptions.Spec(parse, seed));
        var b = bits ?? 6;
        var widths = new[] { b, 4, 6 }.Distinct().ToArray();
        var report = OcsOnnxComparison.Run(inPath, data, widths, parse.GetValue(Ratio)!.Value, outPath, minSize);
        if (json)
        {
            CliConsole.WriteJson(parse, report);
            return 0;
        }
        var table = new Table().Title($"{Path.GetFileName(inPath)}: relative output error per layer on {report.HeldOutSamples} held-out samples, OCS expand ratio {report.ExpandRatio}")
            .AddColumns("layer", "bits", "rows×cols", "splits", "plain", "clipped", "clip/max", "OCS", "OCS + clip");
        foreach (var l in report.Layers)
            table.AddRow(Markup.Escape(l.Layer), l.Bits.ToString(), "", l.Splits.ToString(), l.Plain.ToString("F4"), l.Clipped.ToString("F4"),
                l.ClipFraction.ToString("F3"), l.Ocs.ToString("F4"), l.OcsClipped.ToString("F4"));
        foreach (var w in widths)
        {
            var at = report.Layers.Where(l => l.Bits == w).ToList();
            table.AddRow("[bold]mean[/]", w.ToString(), "", "", at.Average(l => l.Plain).ToString("F4"), at.Average(l => l.Clipped).ToString("F4"), "",
                at.Average(l => l.Ocs).ToString("F4"), at.Average(l => l.OcsClipped).ToString("F4"));
        }
        var console = CliConsole.For(parse);
        console.Profile.Width = Math.Max(console.Profile.Width, 150);
        console.Write(table);
        foreach (var line in report.Untouched) console.WriteLine($"untouched: {line}");
        console.WriteLine($"data: {report.Data}");
        console.WriteLine($"wrote {outPath}: OCS at {b} bits, folded to float32; {report.QualityMetric} {report.OcsQuality:F4} (original {report.OriginalQuality:F4}) in ONNX Runtime");
        return 0;
    }
}
