using System.Text.Json.Serialization;

namespace Condense.Cli.Bench;

/// <summary>
/// What <c>condense bench scale</c> prints and <c>condense bench all</c> judges (issue 12): each
/// streaming method's throughput over a synthetic checkpoint and the process's peak resident set.
/// <c>bench all</c> runs it in a child process on purpose — the figure is that process's VmHWM,
/// which any earlier suite in <c>bench all</c>'s own process would already have raised — and reads
/// its JSON back into this record (one snake_case serializer), not by key.
/// </summary>
/// <param name="Model">The synthetic checkpoint's folder.</param>
/// <param name="Dtype">Its element type (safetensors name).</param>
/// <param name="Generated">Whether it was generated in this run (false: reused).</param>
/// <param name="GenerateSeconds">Seconds to generate or find it.</param>
/// <param name="Workers">Streaming workers.</param>
/// <param name="PeakRssBytes">The process's peak resident set (VmHWM).</param>
/// <param name="Methods">One row per streaming method.</param>
public sealed record ScaleBenchReport(string Model, string Dtype, bool Generated, double GenerateSeconds, int Workers, long PeakRssBytes, IReadOnlyList<StreamReportRow> Methods)
{
    /// <summary>The bench's name, first in the JSON as every bench report has it.</summary>
    [JsonPropertyOrder(-1)]
    public string Bench => "scale";
}

/// <summary>One streaming run as <c>condense stream --json</c> and <c>bench scale</c> print it.</summary>
/// <param name="Output">The folder written ("" where the bench deleted it).</param>
/// <param name="Method">The streaming method.</param>
/// <param name="Shards">Shards read.</param>
/// <param name="ShardsSkipped">Shards already done (resumed).</param>
/// <param name="Tensors">Tensors read.</param>
/// <param name="TensorsCompressed">Tensors encoded (the rest copied).</param>
/// <param name="InputBytes">Bytes of the checkpoint.</param>
/// <param name="ProcessedBytes">Bytes processed in this run.</param>
/// <param name="OutputBytes">Bytes written.</param>
/// <param name="Ratio">Output ÷ input bytes.</param>
/// <param name="TimesSmaller">Input ÷ output bytes.</param>
/// <param name="Seconds">Wall seconds.</param>
/// <param name="MbPerS">Processed MB per wall second.</param>
/// <param name="CpuPercent">CPU seconds ÷ wall seconds, in %.</param>
/// <param name="CpuSeconds">Process CPU seconds.</param>
/// <param name="MbPerCpuS">Processed MB per CPU second.</param>
public sealed record StreamReportRow(string Output, string Method, int Shards, int ShardsSkipped, int Tensors, int TensorsCompressed,
    long InputBytes, long ProcessedBytes, long OutputBytes, double Ratio, double TimesSmaller, double Seconds, double MbPerS, double CpuPercent,
    double CpuSeconds, double MbPerCpuS);
