using Condense.Cli.Bench;
using System.CommandLine;
using Condense.Workflows;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench runtime</c>: ResNet18, MiniLM and the MNIST classifier as fp32 and as the
/// runtime encodings (int8 static QDQ, int8 dynamic, MatMulNBits 4-bit), latency at 1 and 2
/// threads, session memory and agreement with fp32, beside PyTorch 1.13's static int8 ResNet18
/// (the peer script, skipped with a note when ../shared/peers or torch is absent): <see cref="RuntimePeer"/>, rendered.
/// </summary>
public static class BenchRuntimeCommand
{
    public static Command Create()
    {
        var runs = new Option<int>("--runs") { Description = "Timed runs per configuration (median reported)", DefaultValueFactory = _ => 30 };
        var folder = new Option<string>("--folder") { Description = "Where the model variants are written", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "condense-bench-runtime") };
        var noPeer = new Option<bool>("--no-peer") { Description = "Do not run PyTorch's int8 ResNet18" };
        var json = CliConsole.JsonOption();
        var command = new Command("runtime", "fp32 vs int8 / 4-bit in ONNX Runtime (latency, session memory, agreement), beside PyTorch's int8 ResNet18.") { runs, folder, noPeer, json };
        command.SetAction(parse =>
        {
            var console = CliConsole.For(parse);
            var quiet = parse.GetValue(json);
            var report = RuntimePeer.Measure(parse.GetValue(folder)!, parse.GetValue(runs), peer: !parse.GetValue(noPeer),
                quiet ? null : m => console.MarkupLine($"[grey]{Markup.Escape(m)}[/]"));
            if (quiet)
            {
                CliConsole.WriteReport(parse, report);
                return 0;
            }
            var rows = report.Rows;
            var table = new Table().AddColumns("model", "variant", "MB", "ms 1 thr", "× fp32", "ms 2 thr", "× fp32", "session MB", "× fp32", "cosine / acc.", "runs as");
            foreach (var r in rows)
            {
                var f = rows.First(x => x.Model == r.Model && x.Variant == "fp32");
                table.AddRow(r.Model, r.Variant, (r.Bytes / 1e6).ToString("0.0"), r.Ms1t.ToString("0.000"), (r.Ms1t / f.Ms1t).ToString("0.00"),
                    r.Ms2t.ToString("0.000"), (r.Ms2t / f.Ms2t).ToString("0.00"), (r.SessionBytes / 1e6).ToString("0.0"),
                    f.SessionBytes > 0 ? ((double)r.SessionBytes / f.SessionBytes).ToString("0.00") : "–",
                    r.Accuracy is { } a ? $"{a:0.00} %" : $"{r.Cosine:0.00000}", Markup.Escape(r.RuntimeOps));
            }
            console.Write(table);
            console.WriteLine($"PyTorch 1.13 int8 ResNet18: {(report.Pytorch is { } p ? $"{p.Threads1?.Int8Ms} ms at 1 thread, {p.Threads2?.Int8Ms} ms at 2 (torch {p.Torch}, {p.Engine})" : report.PytorchNote)}");
            console.WriteLine($"load average before the run: {report.LoadAverage}");
            return 0;
        });
        return command;
    }
}
