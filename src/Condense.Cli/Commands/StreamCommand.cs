using System.CommandLine;
using Condense.Streaming;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense stream IN -o OUT --method int8|kmeans</c>: compresses a safetensors checkpoint
/// (file or sharded folder) of any size tensor by tensor, on all workers, with a progress bar;
/// run it again after an interruption to resume.
/// </summary>
public static class StreamCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A .safetensors file, or a folder with model.safetensors.index.json and its shards" };
        var output = new Option<string>("--output", "-o") { Description = "Output folder (shards of the same names, plus the index)", Required = true };
        var method = new Option<string>("--method", "-m") { Description = "int8 (per-channel linear) or kmeans (8-bit weight sharing)", DefaultValueFactory = _ => "int8" };
        var workers = new Option<int>("--workers") { Description = "Encoding threads (1..64)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var chunk = new Option<int>("--chunk-mb") { Description = "MiB of input per chunk (memory ≈ (2 × workers + 2) chunks)", DefaultValueFactory = _ => 4 };
        var json = CliConsole.JsonOption();
        var command = new Command("stream", "Compress a model bigger than memory, tensor by tensor (resumable).") { input, output, method, workers, chunk, json };
        command.SetAction(parse =>
        {
            var compressor = StreamMethods.Create(StreamMethods.Parse(parse.GetValue(method)!));
            var mb = parse.GetValue(chunk);
            if (mb is < 1 or > 256) throw new CondenseException($"--chunk-mb {mb}: must be in 1..256");
            var options = new StreamOptions { Workers = parse.GetValue(workers), ChunkBytes = (long)mb << 20 };
            var report = Run(parse, parse.GetValue(input)!, parse.GetValue(output)!, compressor, options, !parse.GetValue(json));
            if (report is null) return 130;
            if (parse.GetValue(json))
            {
                CliConsole.WriteJson(parse, Json(report, parse.GetValue(output)!));
                return 0;
            }
            var console = CliConsole.For(parse);
            console.Write(Table([report]));
            console.WriteLine($"{parse.GetValue(output)}: {report.Shards} shard(s), {report.ShardsSkipped} already finished and kept, {report.TensorsCompressed} of {report.Tensors} tensors compressed");
            return 0;
        });
        return command;
    }

    /// <summary>Runs with a live progress bar on a terminal (bytes, throughput, ETA), silently otherwise; null when interrupted (Ctrl+C).</summary>
    internal static StreamReport? Run(ParseResult parse, string input, string output, ITensorCompressor compressor, StreamOptions options, bool showProgress)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            var console = CliConsole.For(parse);
            if (!showProgress || !console.Profile.Capabilities.Interactive)
                return StreamCompressor.Run(input, output, compressor, options, null, cancel.Token);
            StreamReport? report = null;
            console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
                    new TransferSpeedColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(compressor.Method, autoStart: true, maxValue: 1);
                    var progress = new Tick(p =>
                    {
                        task.MaxValue = Math.Max(1, p.TotalBytes);
                        task.Value = p.DoneBytes;
                        task.Description = $"{compressor.Method} {p.Shard}";
                    });
                    report = StreamCompressor.Run(input, output, compressor, options, progress, cancel.Token);
                    task.Value = task.MaxValue;
                });
            return report;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            parse.InvocationConfiguration.Error.WriteLine("condense: interrupted; finished shards are kept: run the same command again to resume");
            return null;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    sealed class Tick(Action<StreamProgress> report) : IProgress<StreamProgress>
    {
        public void Report(StreamProgress value) => report(value);
    }

    internal static object Json(StreamReport r, string output) => new
    {
        output,
        method = r.Method,
        shards = r.Shards,
        shards_skipped = r.ShardsSkipped,
        tensors = r.Tensors,
        tensors_compressed = r.TensorsCompressed,
        input_bytes = r.InputBytes,
        processed_bytes = r.ProcessedBytes,
        output_bytes = r.OutputBytes,
        ratio = r.Ratio,
        seconds = r.Seconds,
        mb_per_s = r.MegabytesPerSecond,
        cpu_percent = r.CpuPercent,
        cpu_seconds = r.CpuSeconds,
        mb_per_cpu_s = r.MegabytesPerCpuSecond,
    };

    internal static Table Table(IEnumerable<StreamReport> reports)
    {
        var table = new Table().AddColumns("method", "in GB", "out GB", "ratio", "done GB", "s", "MB/s", "CPU%", "MB/CPUs");
        foreach (var r in reports)
            table.AddRow(r.Method, (r.InputBytes / 1e9).ToString("F2"), (r.OutputBytes / 1e9).ToString("F2"), r.Ratio.ToString("F2") + "×",
                (r.ProcessedBytes / 1e9).ToString("F2"), r.Seconds.ToString("F1"), r.MegabytesPerSecond.ToString("F0"), r.CpuPercent.ToString("F0"), r.MegabytesPerCpuSecond.ToString("F0"));
        return table;
    }
}
