using System.CommandLine;
using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Quantization.Gptq;
using Condense.Workflows;
using Onnx;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense compress … --data PATH</c>: translates the options into a
/// <see cref="DataAwareCompressionRequest"/> and the report into a per-layer table or JSON
/// (snake_case). Not a command of its own: <see cref="CompressCommand"/> hands over when data is given.
/// </summary>
public static class CompressDataAware
{
    /// <summary>Options only the data-aware path reads.</summary>
    public static readonly Option<bool> DataFree = new("--data-free") { Description = "With --data: round to nearest on the same grids/codebooks instead of GPTQ (the comparison); without: today's data-free encodings" };
    /// <summary>Shared with <c>--method nbits</c>, where it is the MatMulNBits block size (default 32).</summary>
    public static readonly Option<int?> Block = new("--block") { Description = "Linear with --data: one scale and zero point per (output channel, block of N inputs) (default: per channel); nbits: the block size along K (power of 2, >= 16; default 32)" };
    public static readonly Option<int> CodebookRows = new("--codebook-rows") { Description = "k-means with --data: output channels sharing one codebook (1 = per channel, 0 = per tensor)", DefaultValueFactory = _ => 1 };
    public static readonly Option<bool> ActOrder = new("--act-order") { Description = "GPTQ: quantize columns in decreasing input energy (not with --block)" };

    public static int Run(ParseResult parse, OnnxCompressionMethod method, int? bits, string inPath, string outPath, long minSize, int seed, bool json)
    {
        var (data, graph) = Load(parse, inPath, seed);
        var request = new DataAwareCompressionRequest(inPath, outPath, method, bits ?? 8, data,
            DataFree: parse.GetValue(DataFree), BlockSize: parse.GetValue(Block) ?? 0, RowsPerCodebook: parse.GetValue(CodebookRows),
            Gptq: new GptqOptions(ActOrder: parse.GetValue(ActOrder)), MinSize: minSize, Seed: seed);
        var report = DataAwareCompression.Run(request);
        var (timing, warnings) = CompressTiming.Measure(parse, inPath, outPath, graph, [data.HeldOut.Count > 0 ? data.HeldOut[0] : data.Calibration[0]]);
        if (json)
        {
            CliConsole.WriteJson(parse, new
            {
                input = report.Input, output = report.Output, mode = report.Mode, data = report.Data, random_data = report.IsRandomData,
                calibration_samples = report.CalibrationSamples, held_out_samples = report.HeldOutSamples,
                bytes_before = report.BytesBefore, bytes_after = report.BytesAfter, ratio = (double)report.BytesAfter / report.BytesBefore,
                quality_metric = report.QualityMetric, quality = report.Quality, data_free_quality = report.DataFreeQuality, original_quality = report.OriginalQuality,
                statistics_bytes = report.StatisticsBytes, capture_seconds = report.CaptureTime.TotalSeconds, quantize_seconds = report.QuantizeTime.TotalSeconds,
                layers = report.Layers.Select(l => new
                {
                    node = l.Node, op_type = l.OpType, weight = l.Weight, rows = l.Rows, columns = l.Columns, encoding = l.Encoding,
                    output_error = l.OutputError, data_free_output_error = l.DataFreeOutputError, seeds_bound = l.SeedsBound,
                }),
                untouched = report.Untouched,
                tensors = report.Tensors.Select(t => new { name = t.Name, encoding = t.Encoding, bytes_before = t.BytesBefore, bytes_after = t.BytesAfter }),
                timing = RuntimeReportJson.Timing(timing), warnings,
            });
            return 0;
        }
        var console = CliConsole.For(parse);
        var table = new Table().AddColumns("layer", "op", "rows×cols", "encoding", "out. err (held out)", "data-free out. err", "seeds' bound");
        foreach (var l in report.Layers)
            table.AddRow(Markup.Escape(l.Node), l.OpType, $"{l.Rows}×{l.Columns}", Markup.Escape(l.Encoding),
                l.OutputError.ToString("0.0000"), l.DataFreeOutputError.ToString("0.0000"), l.SeedsBound.ToString("G3"));
        console.Write(table);
        foreach (var line in report.Untouched) console.WriteLine($"untouched: {line}");
        console.WriteLine($"data: {report.Data}{(report.IsRandomData ? " — seeded random inputs: these figures mean little" : "")}");
        console.WriteLine($"statistics: {report.StatisticsBytes / 1e6:0.0} MB of XᵀX; capture {report.CaptureTime.TotalSeconds:0.0} s, quantization {report.QuantizeTime.TotalSeconds:0.0} s");
        var against = report.DataFreeQuality is { } free ? $" (data-free, same grids: {free:0.0000})" : "";
        var original = report.QualityMetric == "accuracy" ? $"; original {report.OriginalQuality:0.0000}" : " against the original";
        console.WriteLine($"{report.Mode}: held-out {report.QualityMetric} {report.Quality:0.0000}{against}{original} on {report.HeldOutSamples} samples");
        console.WriteLine($"{inPath} -> {outPath}: {report.BytesBefore:N0} -> {report.BytesAfter:N0} bytes (ratio {(double)report.BytesAfter / report.BytesBefore:0.000})");
        RuntimeReportTable.WriteTiming(console, timing, warnings);
        return 0;
    }

    /// <summary>
    /// The data, and the graph's inputs with its initializers' names but not their data: the timing
    /// reads no more, and the workflow reads the model itself, so this copy's weights (as large as the
    /// model) are not held through calibration.
    /// </summary>
    static (CalibrationData Data, GraphProto Graph) Load(ParseResult parse, string inPath, int seed)
    {
        var model = OnnxReader.Read(inPath);
        var data = CalibrationDataLoader.Load(model, DataOptions.Spec(parse, seed));
        var light = new GraphProto();
        light.Input.Add(model.Proto.Graph.Input);
        light.Initializer.Add(model.Proto.Graph.Initializer.Select(i => new TensorProto { Name = i.Name }));
        return (data, light);
    }
}
