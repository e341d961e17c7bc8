using System.CommandLine;
using Condense.Formats.Onnx;
using Condense.Workflows.Sparsity;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// The unstructured ONNX side of <c>condense prune</c>: <c>MODEL.onnx --sparsity S --method sparsegpt|magnitude
/// [--data PATH] [--encode none|fp16|bf16|linear|kmeans] -o OUT.onnx</c> → <see cref="OnnxSparsityWorkflow"/>.
/// Not a command: <see cref="OnnxPrune"/> hands unstructured ONNX requests here.
/// </summary>
internal sealed class OnnxSparsePrune
{
    readonly Option<string> encode = new("--encode") { Description = "ONNX unstructured: store the pruned weights as float32 (none) or through compress's encodings with sparse tensors where smaller: fp16 | bf16 | linear | kmeans (--bits)", DefaultValueFactory = _ => "none" };
    readonly Option<double> damp = new("--damp") { Description = "ONNX SparseGPT: dampening λ as a share of H's mean diagonal", DefaultValueFactory = _ => 0.01 };
    readonly Option<int> block = new("--block-size") { Description = "ONNX SparseGPT: columns per mask block", DefaultValueFactory = _ => 128 };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { encode, damp, block }) command.Options.Add(o);
    }

    public int Run(ParseResult parse, string model, string output, string methodName, double sparsity, int? bits, int seed, bool json)
    {
        var method = methodName.ToLowerInvariant() switch
        {
            "sparsegpt" => OnnxSparsityMethod.SparseGpt,
            "magnitude" or "global" => OnnxSparsityMethod.Magnitude,
            var other => throw new CondenseException($"{model}: an ONNX model is pruned unstructured by --method sparsegpt or magnitude (or --structured), not '{other}'"),
        };
        OnnxCompressionOptions? encoding = parse.GetValue(encode)!.ToLowerInvariant() switch
        {
            "none" => null,
            "fp16" => new(OnnxCompressionMethod.Fp16),
            "bf16" => new(OnnxCompressionMethod.Bf16),
            "linear" => new(OnnxCompressionMethod.Linear, bits, PerChannel: true, Seed: seed),
            "kmeans" => new(OnnxCompressionMethod.KMeans, bits, Seed: seed),
            var e => throw new CondenseException($"unknown --encode '{e}' (known: none, fp16, bf16, linear, kmeans)"),
        };
        var data = StructureOptions.Load(parse, model, seed);
        var report = OnnxSparsityWorkflow.Run(new OnnxSparsityRequest(model, output, method, sparsity, data, encoding,
            parse.GetValue(damp), parse.GetValue(block)));
        if (json)
        {
            CliConsole.WriteReport(parse, report);
            return 0;
        }
        var console = CliConsole.For(parse);
        var compared = report.Layers.Any(l => l.MagnitudeOutputError is not null);
        var table = new Table().AddColumns("layer", "op", "weight", "zeros", "rel. output error");
        if (compared) table.AddColumn("magnitude's");
        foreach (var l in report.Layers)
        {
            var row = new List<string> { Markup.Escape(l.Node), l.OpType, $"{l.Rows}×{l.Columns}", l.Sparsity.ToString("P1"), l.OutputError.ToString("F4") };
            if (compared) row.Add(l.MagnitudeOutputError?.ToString("F4") ?? "–");
            table.AddRow([.. row]);
        }
        console.Write(table);
        foreach (var u in report.Untouched) console.MarkupLineInterpolated($"[yellow]left:[/] {u}");
        console.WriteLine($"data: {report.Data}");
        if (report.DataIsRandom) console.MarkupLine("[yellow]the data is seeded random inputs: the figures below say little about real inputs (pass --data)[/]");
        console.WriteLine($"{report.Method} at {report.Sparsity:P0}, {report.Encoding}: file {report.BytesBefore:N0} -> {report.BytesAfter:N0} bytes");
        console.WriteLine($"held-out {report.Metric}: original {report.OriginalQuality:F4}, {report.Method} {report.Quality:F4}" +
            (report.MagnitudeQuality is { } m ? $", magnitude {m:F4}" : ""));
        console.WriteLine($"wrote {report.OutputPath}");
        return 0;
    }
}
