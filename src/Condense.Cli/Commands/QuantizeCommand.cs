using System.CommandLine;
using System.Text.Json;
using Condense.Formats;
using Condense.Quantization;
using Condense.Workflows.Quantize;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense quantize MODEL --method kmeans|linear --bits B -o OUT</c>: parses the options into
/// a <see cref="ModelQuantizationRequest"/>, runs <see cref="ModelQuantization"/> (every linear
/// layer quantized, the file written only if everything succeeded) and renders its report as a
/// table or snake_case JSON. <c>--ocs</c> runs <see cref="QuantizeOcs"/> instead.
/// </summary>
public static class QuantizeCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A model written by 'condense train' (.safetensors)" };
        var method = new Option<string>("--method") { Description = "kmeans (weight sharing) or linear (integer grid)", DefaultValueFactory = _ => "kmeans" };
        method.AcceptOnlyFromAmong("kmeans", "linear");
        var bits = new Option<int>("--bits") { Description = "Bits per weight: 1–8 for kmeans; 8, 4, 2 (ternary) or 1 (binary) for linear", DefaultValueFactory = _ => 5 };
        var perChannel = new Option<bool>("--per-channel") { Description = "One codebook / scale per output channel" };
        var init = new Option<string>("--init") { Description = "k-means: auto (default), exact, linear, density, kmeans++", DefaultValueFactory = _ => "auto" };
        init.AcceptOnlyFromAmong("auto", "exact", "linear", "density", "kmeans++");
        var huffman = new Option<bool>("--huffman") { Description = "Huffman-code the k-means indices" };
        var keepZeros = new Option<bool>("--keep-zeros") { Description = "k-means: keep exact zeros (pruned models)" };
        var asymmetric = new Option<bool>("--asymmetric") { Description = "linear: asymmetric ranges (zero points)" };
        var calibration = new Option<string>("--calibration") { Description = "linear: minmax (default), percentile, kl", DefaultValueFactory = _ => "minmax" };
        calibration.AcceptOnlyFromAmong("minmax", "percentile", "kl");
        var samples = new Option<int>("--samples") { Description = "Test inputs for the measured output error (1–10000)", DefaultValueFactory = _ => 500 };
        var output = new Option<string>("--output", "-o") { Description = "Quantized model file to write (.safetensors)", Required = true };
        var ocs = new Option<double?>("--ocs") { Description = "Outlier channel splitting: split this fraction of each layer's input channels, compare with clipping and plain linear at --bits (2–16), write the OCS network" };
        var report = new Option<string?>("--report") { Description = "Also write the report as JSON to this file" };
        var json = CliConsole.JsonOption();
        var command = new Command("quantize", "Quantize a model's layers (k-means weight sharing or linear) and report what it costs.")
        {
            model, method, bits, perChannel, init, huffman, keepZeros, asymmetric, calibration, samples, ocs, output, report, json,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(ocs) is { } ratio)
                return QuantizeOcs.Run(parse, parse.GetValue(model)!, parse.GetValue(bits), ratio, parse.GetValue(samples), parse.GetValue(output)!, parse.GetValue(json));
            var m = parse.GetValue(method) == "linear" ? QuantizationMethod.Linear : QuantizationMethod.KMeans;
            if (m == QuantizationMethod.Linear && (parse.GetValue(huffman) || parse.GetValue(keepZeros)))
                throw new CondenseException("quantize: --huffman and --keep-zeros apply to --method kmeans only");
            var options = new ModelQuantizationOptions(m, parse.GetValue(bits))
            {
                Granularity = parse.GetValue(perChannel) ? Granularity.PerChannel : Granularity.PerTensor,
                Init = parse.GetValue(init) switch
                {
                    "exact" => CentroidInit.Exact, "linear" => CentroidInit.Linear, "density" => CentroidInit.Density,
                    "kmeans++" => CentroidInit.KMeansPlusPlus, _ => CentroidInit.Auto,
                },
                Huffman = parse.GetValue(huffman),
                KeepZeros = parse.GetValue(keepZeros),
                Symmetric = !parse.GetValue(asymmetric),
                Calibration = parse.GetValue(calibration) switch { "percentile" => RangeCalibration.Percentile, "kl" => RangeCalibration.KlDivergence, _ => RangeCalibration.MinMax },
            };
            var request = new ModelQuantizationRequest(parse.GetValue(model)!, options, parse.GetValue(samples), parse.GetValue(output)!);
            var result = ModelQuantization.Run(request);
            if (parse.GetValue(report) is { } r) AtomicFile.WriteAllText(r, JsonSerializer.Serialize(result, CliConsole.SnakeJson));
            if (parse.GetValue(json)) CliConsole.WriteReport(parse, result);
            else Print(parse, result);
            return 0;
        });
        return command;
    }

    static void Print(ParseResult parse, ModelQuantizationReport r)
    {
        var console = CliConsole.For(parse);
        console.Profile.Width = Math.Max(console.Profile.Width, 170);   // redirected output defaults to 80 columns
        var table = new Table().Title($"{r.Model} → {r.Output}: {r.Method} {r.Bits}-bit {r.Granularity}");
        foreach (var h in new[] { "layer", "quantizer", "levels", "bytes before", "bytes after", "× smaller", "‖W−Q‖₁/‖W‖₁", "cond₁", "bound", "measured (mean / max)" })
            table.AddColumn(h);
        foreach (var l in r.Layers)
            table.AddRow(
                l.Name, l.Quantizer, l.Levels.ToString(), l.BytesBefore.ToString(), l.BytesAfter.ToString(), $"{l.TimesSmaller:F2}×",
                $"{l.RelativeOneNormError:G3}", $"{l.Cond1:G4}", $"{l.Bound:G3}", $"{l.MeasuredOutputErrorMean:G3} / {l.MeasuredOutputErrorMax:G3}");
        console.Write(table);
        var w = parse.InvocationConfiguration.Output;
        w.WriteLine($"parameters: {r.ParameterBytesBefore} bytes → {r.TensorBytesAfter} bytes stored ({r.TimesSmaller:F2}× smaller); file {r.FileBytesBefore} → {r.FileBytesAfter} bytes; max cond₁ {r.MaxCond1:G4}");
        if (r.AccuracyBefore is { } ab && r.AccuracyAfter is { } aa)
            w.WriteLine($"accuracy: {ab:P2} → {aa:P2} ({(aa - ab) * 100:+0.00;-0.00} points)");
        else
            w.WriteLine($"MSE: {r.LossBefore:F5} → {r.LossAfter:F5}");
    }
}
