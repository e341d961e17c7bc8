using Condense.Cli.Bench;
using System.CommandLine;
using Condense.Streaming;
using Spectre.Console;

namespace Condense.Cli.Reports;

/// <summary>Runs a stream compression with live progress and renders its report (<c>stream</c>, <c>bench scale</c>).</summary>
internal static class StreamView
{
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

    internal static StreamReportRow Json(StreamReport r, string output) =>
        new(output, r.Method, r.Shards, r.ShardsSkipped, r.Tensors, r.TensorsCompressed, r.InputBytes, r.ProcessedBytes, r.OutputBytes,
            r.Ratio, r.TimesSmaller, r.Seconds, r.MegabytesPerSecond, r.CpuPercent, r.CpuSeconds, r.MegabytesPerCpuSecond);

    internal static Table Table(IEnumerable<StreamReport> reports)
    {
        var table = new Table().AddColumns("method", "in GB", "out GB", "× smaller", "done GB", "s", "MB/s", "CPU%", "MB/CPUs");
        foreach (var r in reports)
            table.AddRow(r.Method, (r.InputBytes / 1e9).ToString("F2"), (r.OutputBytes / 1e9).ToString("F2"), r.TimesSmaller.ToString("F2") + "×",
                (r.ProcessedBytes / 1e9).ToString("F2"), r.Seconds.ToString("F1"), r.MegabytesPerSecond.ToString("F0"), r.CpuPercent.ToString("F0"), r.MegabytesPerCpuSecond.ToString("F0"));
        return table;
    }
}
