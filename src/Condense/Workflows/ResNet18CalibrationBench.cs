using System.Diagnostics;
using Condense.Calibration;
using Condense.Formats.Images;
using Condense.Formats.Onnx;
using Condense.Runtime;

namespace Condense.Workflows;

/// <summary>
/// The two calibration figures issues 17 and 23 set for ResNet18 (the NuGet package's model, folded,
/// on the sample photos), measured in this process through the library workflows, as the CLI runs
/// them: the peak resident set of data-aware 4-bit compression on 256 images (≤ 2 GB) and the wall
/// and CPU time of the per-layer analysis on 64 images (≤ 60 s). The process's peak (VmHWM) is reset
/// after the model is folded, so it is the measured task's own.
/// </summary>
public static class ResNet18CalibrationBench
{
    /// <summary>One measured task.</summary>
    /// <param name="Task">"compress" or "analyze".</param>
    /// <param name="Data">The data's one-line description.</param>
    /// <param name="WallSeconds">From loading the data to the report.</param>
    /// <param name="CpuSeconds">User + system time of the process over the same span.</param>
    /// <param name="PeakResidentBytes">The process's peak resident set over the span (VmHWM after a reset), 0 where /proc has none.</param>
    /// <param name="Quality">compress: the held-out mean cosine to the original's features; analyze: null.</param>
    /// <param name="Threads">Worker threads the workflow used.</param>
    public sealed record Result(string Task, string Data, double WallSeconds, double CpuSeconds, long PeakResidentBytes, double? Quality, int Threads);

    /// <summary>Folds ResNet18 into <paramref name="folder"/> and gathers the sample photos there (once; reused after).</summary>
    public static (string Model, string Photos) Prepare(string folder)
    {
        Directory.CreateDirectory(folder);
        var model = Path.Combine(folder, "resnet18-folded.onnx");
        if (!File.Exists(model)) FoldWorkflow.Run(new FoldRequest(PackagedModels.ResNet18, model, Measure: false));
        var photos = Path.Combine(folder, "photos");
        if (!Directory.Exists(photos) || Directory.GetFiles(photos).Length == 0)
        {
            Directory.CreateDirectory(photos);
            SamplePhotoFolder.CopyTo(photos);
        }
        return (model, photos);
    }

    /// <summary>
    /// <c>condense compress MODEL --method linear --bits 4 --block 64 --data photos --preprocess PREP
    /// --calibration-count <paramref name="images"/> --augment <paramref name="augment"/></c>, without the latency comparison.
    /// </summary>
    public static Result Compress(string folder, int images = 256, int augment = 24, int threads = 1)
    {
        var (model, photos) = Prepare(folder);
        var output = Path.Combine(folder, "resnet18-gptq4-b64.onnx");
        if (File.Exists(output)) File.Delete(output);
        return Measure("compress", threads, () =>
        {
            var data = Load(model, photos, images, augment);
            var report = DataAwareCompression.Run(new DataAwareCompressionRequest(model, output, OnnxCompressionMethod.Linear, 4, data,
                BlockSize: 64, Threads: threads));
            return (data.Description, report.Quality);
        });
    }

    /// <summary><c>condense analyze MODEL --data photos --preprocess PREP --calibration-count <paramref name="images"/> --augment <paramref name="augment"/></c>.</summary>
    public static Result Analyze(string folder, int images = 64, int augment = 8, int threads = 1)
    {
        var (model, photos) = Prepare(folder);
        return Measure("analyze", threads, () =>
        {
            var data = Load(model, photos, images, augment);
            OnnxAnalysis.Run(new OnnxAnalysisRequest(model, data, Threads: threads));
            return (data.Description, (double?)null);
        });
    }

    static CalibrationData Load(string model, string photos, int images, int augment) =>
        CalibrationDataLoader.Load(OnnxReader.Read(model), new DataSpec(photos, PackagedModels.ResNet18Preprocess, Count: images, Augment: augment));

    static Result Measure(string task, int threads, Func<(string Data, double? Quality)> run)
    {
        ProcessMemory.Release();
        ResetPeak();
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var (data, quality) = run();
        var wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return new Result(task, data, wall, (process.TotalProcessorTime - cpu).TotalSeconds, PeakResident(), quality, ParallelWork.Workers(threads));
    }

    // Linux: writing 5 to clear_refs resets VmHWM to the current resident set.
    static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    static long PeakResident()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : 1024 * long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }
}
