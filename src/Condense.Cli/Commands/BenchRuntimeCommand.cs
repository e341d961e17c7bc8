using Condense.Cli.Bench;
using System.CommandLine;
using System.Text.Json;
using Condense.Cli.Imaging;
using Condense.Workflows;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench runtime</c>: ResNet18, MiniLM and the MNIST classifier as fp32 and as the
/// runtime encodings (int8 static QDQ, int8 dynamic, MatMulNBits 4-bit), latency at 1 and 2
/// threads, session memory and agreement with fp32, beside PyTorch 1.13's static int8 ResNet18
/// (the peer script, skipped with a note when ../shared/peers or torch is absent).
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
            var load = LoadAverage();
            var rows = RuntimeBench.Run(parse.GetValue(folder)!, Condense.Calibration.SampleSentences.All.Take(64).ToList(), parse.GetValue(runs), quiet ? null : m => console.MarkupLine($"[grey]{Markup.Escape(m)}[/]"));
            var (peer, note) = parse.GetValue(noPeer) ? (null, "skipped (--no-peer)") : Peer(parse.GetValue(runs));
            if (quiet)
            {
                CliConsole.WriteJson(parse, new
                {
                    bench = "runtime",
                    load_average = load,
                    rows = rows.Select(r => new
                    {
                        model = r.Model, variant = r.Variant, bytes = r.Bytes,
                        ms_1t = r.Threads1.MedianMs, ms_2t = r.Threads2.MedianMs,
                        session_bytes = r.Threads1.SessionBytes, cosine = r.Cosine, accuracy = r.Accuracy, runtime_ops = r.RuntimeOps,
                    }),
                    pytorch = peer is null ? (JsonElement?)null : JsonDocument.Parse(peer).RootElement,
                    pytorch_note = note,
                });
                return 0;
            }
            var table = new Table().AddColumns("model", "variant", "MB", "ms 1 thr", "× fp32", "ms 2 thr", "× fp32", "session MB", "× fp32", "cosine / acc.", "runs as");
            foreach (var r in rows)
            {
                var f = rows.First(x => x.Model == r.Model && x.Variant == "fp32");
                table.AddRow(r.Model, r.Variant, (r.Bytes / 1e6).ToString("0.0"), r.Threads1.MedianMs.ToString("0.000"), (r.Threads1.MedianMs / f.Threads1.MedianMs).ToString("0.00"),
                    r.Threads2.MedianMs.ToString("0.000"), (r.Threads2.MedianMs / f.Threads2.MedianMs).ToString("0.00"), (r.Threads1.SessionBytes / 1e6).ToString("0.0"),
                    f.Threads1.SessionBytes > 0 ? ((double)r.Threads1.SessionBytes / f.Threads1.SessionBytes).ToString("0.00") : "–",
                    r.Accuracy is { } a ? $"{a:0.00} %" : $"{r.Cosine:0.00000}", Markup.Escape(r.RuntimeOps));
            }
            console.Write(table);
            console.WriteLine($"PyTorch 1.13 int8 ResNet18: {peer ?? note}");
            console.WriteLine($"load average before the run: {load}");
            return 0;
        });
        return command;
    }

    static (string? Json, string Note) Peer(int runs)
    {
        var dir = ColorPeers.FindPeersDirectory();
        var script = dir is null ? null : Path.Combine(dir, "resnet_int8.py");
        if (script is null || !File.Exists(script)) return (null, "skipped: ../shared/peers/resnet_int8.py not found (set CONDENSE_PEERS)");
        if (!File.Exists(ColorPeers.Python)) return (null, $"skipped: {ColorPeers.Python} not found");
        var (code, stdout, stderr) = ColorPeers.Run(ColorPeers.Python, [script, "--reps", runs.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromMinutes(10));
        if (code != 0) return (null, $"skipped: the peer failed (exit {code}; torch/torchvision installed? ../shared/peers/setup.sh): {stderr.Trim().Split('\n').LastOrDefault()}");
        return (stdout.Trim().Split('\n').Last(), "live");
    }

    static string LoadAverage() => LoadAverages.Read() is { } load ? string.Join(" ", load) : "unknown";
}
