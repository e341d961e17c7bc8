using System.CommandLine;
using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Quantization;
using Condense.Workflows;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// The options and output of <c>compress --method int8-static|int8-dynamic|nbits</c> (or
/// <c>--goal</c> alone): they translate to a <see cref="RuntimeCompressionRequest"/> and print its
/// report, latency and session memory of the original and the result included, with a result
/// slower than the original flagged. Kept apart so <see cref="CompressCommand"/> stays small.
/// </summary>
internal static class RuntimeCompressOptions
{
    static readonly Option<string> Calibration = new("--calibration") { Description = "int8-static activation ranges: minmax | percentile | entropy", DefaultValueFactory = _ => "minmax" };
    static readonly Option<double> Percentile = new("--percentile") { Description = "Percentile calibration: the |x| quantile kept", DefaultValueFactory = _ => 99.999 };
    static readonly Option<string> Activations = new("--activations") { Description = "int8-static activation type: uint8 | int8", DefaultValueFactory = _ => "uint8" };
    static readonly Option<int> Accuracy = new("--accuracy-level") { Description = "nbits: MatMulNBits accuracy_level (4 = int8 compute, fastest on CPU)", DefaultValueFactory = _ => 4 };
    static readonly Option<bool> Symmetric = new("--symmetric") { Description = "nbits: symmetric blocks (no zero points)" };
    static readonly Option<string> Goal = new("--goal") { Description = "size | speed | balanced: picks the method when --method is absent, and its details", DefaultValueFactory = _ => "balanced" };
    static readonly Option<int?> Batch = new("--batch") { Description = "Also measure latency at this batch size" };
    static readonly Option<bool> NoMeasure = new("--no-measure") { Description = "Skip the latency and memory measurements" };

    public static readonly string[] Methods = ["int8-static", "int8-dynamic", "nbits"];

    public static void Add(Command command)
    {
        foreach (var o in new Option[] { Calibration, Percentile, Activations, Accuracy, Symmetric, Goal, Batch, NoMeasure })
            command.Options.Add(o);
    }

    public static bool Handles(string? method) => method is null || Methods.Contains(method.ToLowerInvariant());

    public static int Run(ParseResult parse, string inPath, string outPath, string? methodName, int? bits, int seed, bool json)
    {
        RuntimeMethod? method = methodName?.ToLowerInvariant() switch
        {
            null => null,
            "int8-static" => RuntimeMethod.Int8Static,
            "int8-dynamic" => RuntimeMethod.Int8Dynamic,
            _ => RuntimeMethod.NBits,
        };
        if (parse.GetValue(CompressDataAware.ActOrder))
            throw new CondenseException("--act-order is for the data-aware kmeans/linear methods: MatMulNBits blocks must be contiguous along K");
        var model = OnnxReader.Read(inPath);
        var data = CalibrationDataLoader.Load(model, DataOptions.Spec(parse, seed));
        var description = data.IsRandom ? data.Description + " (no --data: calibration and figures on random inputs mean little)" : data.Description;
        var request = new RuntimeCompressionRequest(inPath, outPath, method, data.Calibration, data.HeldOut, description,
            Enum.TryParse<RuntimeGoal>(parse.GetValue(Goal), true, out var g) ? g : throw new CondenseException($"--goal must be size, speed or balanced, not '{parse.GetValue(Goal)}'"),
            parse.GetValue(Calibration)!.ToLowerInvariant() switch
            {
                "minmax" => RangeCalibration.MinMax,
                "percentile" => RangeCalibration.Percentile,
                "entropy" or "kl" => RangeCalibration.KlDivergence,
                var other => throw new CondenseException($"--calibration must be minmax, percentile or entropy, not '{other}'"),
            },
            parse.GetValue(Percentile),
            parse.GetValue(Activations) switch { "int8" => true, "uint8" => false, var a => throw new CondenseException($"--activations must be uint8 or int8, not '{a}'") },
            bits ?? 4, parse.GetValue(CompressDataAware.Block) ?? 32, parse.GetValue(Accuracy), parse.GetValue(Symmetric), !parse.GetValue(NoMeasure), parse.GetValue(Batch),
            DataFree: parse.GetValue(CompressDataAware.DataFree), DataIsRandom: data.IsRandom);
        var console = CliConsole.For(parse);
        var report = RuntimeCompression.Run(request, json ? null : m => console.MarkupLine($"[grey]{Markup.Escape(m)}[/]"));
        if (json)
        {
            CliConsole.WriteJson(parse, RuntimeReportJson.From(report));
            return 0;
        }
        RuntimeReportTable.Write(console, report);
        return 0;
    }
}
