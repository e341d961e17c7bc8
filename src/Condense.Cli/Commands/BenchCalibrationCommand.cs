using Condense.Cli.Bench;
using System.CommandLine;
using System.Globalization;
using Condense.Workflows;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench calibration --task compress|analyze</c>: ResNet18 (folded) on the sample photos,
/// through the library workflows in this process (<see cref="ResNet18CalibrationBench"/>): the peak
/// resident set of data-aware 4-bit compression on 256 images against issue 17's 2 GB, and the wall
/// and CPU seconds of analysis on 64 images against issue 23's 60 s.
/// </summary>
public static class BenchCalibrationCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "compress (256 images: peak memory) or analyze (64 images: time)", DefaultValueFactory = _ => "compress" };
        var images = new Option<int?>("--images") { Description = "Samples (default: 256 for compress, 64 for analyze)" };
        var augment = new Option<int?>("--augment") { Description = "Random crops per photo beside its centre crop (default: 24 for compress, 8 for analyze)" };
        var folder = new Option<string>("--folder") { Description = "Where the folded model and the photos are kept between runs", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "condense-bench-calibration") };
        var json = CliConsole.JsonOption();
        var command = new Command("calibration", "ResNet18 calibration: peak memory of 4-bit GPTQ on 256 images (≤ 2 GB), time of analysis on 64 (≤ 60 s).")
            { task, images, augment, folder, json };
        command.SetAction(parse =>
        {
            var which = parse.GetValue(task)!.ToLowerInvariant();
            var dir = parse.GetValue(folder)!;
            var result = which switch
            {
                "compress" => ResNet18CalibrationBench.Compress(dir, parse.GetValue(images) ?? 256, parse.GetValue(augment) ?? 24),
                "analyze" => ResNet18CalibrationBench.Analyze(dir, parse.GetValue(images) ?? 64, parse.GetValue(augment) ?? 8),
                _ => throw new CondenseException($"--task must be compress or analyze, not '{which}'"),
            };
            var row = CalibrationBenchReport.From(result, LoadAverages.OneMinute());
            if (parse.GetValue(json))
            {
                CliConsole.WriteReport(parse, row);
                return 0;
            }
            var inv = CultureInfo.InvariantCulture;
            var console = CliConsole.For(parse);
            var table = new Table().AddColumns("task", "wall s", "CPU s", "peak RSS GB", "held-out cosine");
            table.AddRow(result.Task, result.WallSeconds.ToString("F1", inv), result.CpuSeconds.ToString("F1", inv),
                (result.PeakResidentBytes / 1e9).ToString("F2", inv), result.Quality?.ToString("F4", inv) ?? "–");
            console.Write(table);
            console.WriteLine($"{Markup.Escape(result.Data)}; {result.Threads} workers; load average {row.LoadAverage}");
            return 0;
        });
        return command;
    }
}
