using Condense.Cli.Bench;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Condense.Formats;
using Condense.Streaming;
using Spectre.Console;

using Condense.Cli.Reports;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench scale --size 30GB</c>: generates (once, seeded) a synthetic sharded
/// LLaMA-shaped checkpoint in a temporary folder, compresses it with each streaming method, and
/// reports MB/s, CPU utilisation and the process's peak resident memory (VmHWM, what
/// <c>/usr/bin/time -v</c> reports as "Maximum resident set size"). Each method's output is
/// deleted after it is measured; the model is kept for the next run unless <c>--clean</c>.
/// </summary>
public static class BenchScaleCommand
{
    public static Command Create()
    {
        var size = new Option<string>("--size") { Description = "Model size, e.g. 30GB, 4GB, 500MB (decimal units; GiB/MiB binary)", DefaultValueFactory = _ => "4GB" };
        var dtype = new Option<string>("--dtype") { Description = "f32 or bf16", DefaultValueFactory = _ => "f32" };
        var methods = new Option<string>("--methods") { Description = "Comma-separated: int8,kmeans", DefaultValueFactory = _ => "int8,kmeans" };
        var workers = new Option<int>("--workers") { Description = "Encoding threads", DefaultValueFactory = _ => Environment.ProcessorCount };
        var dir = new Option<string?>("--dir") { Description = "Where to generate the model (default: a folder under the system temp folder)" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Seed of the synthetic weights" };
        var clean = new Option<bool>("--clean") { Description = "Delete the generated model afterwards" };
        var json = CliConsole.JsonOption();
        var command = new Command("scale", "Compress a synthetic model bigger than memory: MB/s, CPU %, peak RSS per method.") { size, dtype, methods, workers, dir, seed, clean, json };
        command.SetAction(parse =>
        {
            var bytes = OptionValues.ParseSize(parse.GetValue(size)!);
            var type = parse.GetValue(dtype)!.ToLowerInvariant() switch
            {
                "f32" or "fp32" or "float32" => TensorDType.F32,
                "bf16" or "bfloat16" => TensorDType.BF16,
                var other => throw new CondenseException($"--dtype {other}: use f32 or bf16"),
            };
            var list = parse.GetValue(methods)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(StreamMethods.Parse).ToList();
            var folder = parse.GetValue(dir) ?? Path.Combine(Path.GetTempPath(), $"condense-scale-{parse.GetValue(size)!.ToLowerInvariant()}-{type.ToSafetensorsName().ToLowerInvariant()}-{parse.GetValue(seed)}");
            var quiet = parse.GetValue(json);
            var console = CliConsole.For(parse);
            var clock = Stopwatch.StartNew();
            var generated = SyntheticCheckpoint.Generate(folder, bytes, type, parse.GetValue(seed), workers: parse.GetValue(workers));
            var generateSeconds = clock.Elapsed.TotalSeconds;
            if (!quiet) console.WriteLine($"{folder}: {(generated ? "generated" : "reused")} in {generateSeconds:F0} s");
            var reports = new List<StreamReport>();
            foreach (var method in list)
            {
                var output = folder + "-out-" + method.ToString().ToLowerInvariant();
                if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
                var report = StreamView.Run(parse, folder, output, StreamMethods.Create(method), new StreamOptions { Workers = parse.GetValue(workers) }, !quiet);
                if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
                if (report is null) return 130;
                reports.Add(report);
            }
            if (parse.GetValue(clean)) Directory.Delete(folder, recursive: true);
            var peak = PeakResidentBytes();
            if (quiet)
            {
                CliConsole.WriteReport(parse, new ScaleBenchReport(folder, type.ToSafetensorsName(), generated, generateSeconds, parse.GetValue(workers), peak,
                    reports.Select(r => StreamView.Json(r, "")).ToList()));
                return 0;
            }
            console.Write(StreamView.Table(reports));
            console.WriteLine($"peak resident memory (VmHWM) {peak / 1e6:F0} MB; {parse.GetValue(workers)} workers; figures are noisy on a shared machine: report the best of several runs");
            return 0;
        });
        return command;
    }

    /// <summary>Peak resident set of this process (Linux VmHWM), or the current working set elsewhere.</summary>
    static long PeakResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { }
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }
}
