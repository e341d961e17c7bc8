using System.Text.Json.Serialization;

namespace Condense.Workflows;

/// <summary>
/// What <c>condense bench calibration</c> reports and <c>condense bench all</c> judges: issue 17's
/// peak memory of 4-bit GPTQ on ResNet18 and issue 23's analysis time. One typed record for the
/// command's JSON and for the figures read back from it; serialized snake_case.
/// </summary>
/// <param name="Task">"compress" or "analyze".</param>
/// <param name="Data">The data's one-line description.</param>
/// <param name="WallS">Wall seconds of the task.</param>
/// <param name="CpuS">User + system seconds of the process over the task.</param>
/// <param name="PeakRssBytes">The process's peak resident set over the task, 0 where /proc has none.</param>
/// <param name="Quality">compress: held-out mean cosine; analyze: null.</param>
/// <param name="Workers">Worker threads used.</param>
/// <param name="LoadAverage">The 1-minute load average at the end (null where unreadable).</param>
public sealed record CalibrationBenchReport(string Task, string Data, double WallS, double CpuS, long PeakRssBytes, double? Quality, int Workers, string? LoadAverage)
{
    /// <summary>The bench's name, first in the JSON as every bench report has it.</summary>
    [JsonPropertyOrder(-1)]
    public string Bench => "calibration";

    /// <summary>The report of one measured task.</summary>
    public static CalibrationBenchReport From(ResNet18CalibrationBench.Result r, string? loadAverage)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Task, r.Data, r.WallSeconds, r.CpuSeconds, r.PeakResidentBytes, r.Quality, r.Threads, loadAverage);
    }
}
