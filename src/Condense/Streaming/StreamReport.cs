namespace Condense.Streaming;

/// <summary>What a <see cref="StreamCompressor"/> run did.</summary>
/// <param name="Method">Compressor method ("int8", "kmeans8").</param>
/// <param name="Shards">Output files of the checkpoint.</param>
/// <param name="ShardsSkipped">Shards already finished by an earlier run and kept as they were.</param>
/// <param name="Tensors">Input tensors.</param>
/// <param name="TensorsCompressed">Input tensors the method compressed (the rest were copied).</param>
/// <param name="InputBytes">Tensor bytes of the input (all shards).</param>
/// <param name="ProcessedBytes">Input tensor bytes this run read and encoded (excludes skipped shards).</param>
/// <param name="OutputBytes">Bytes of the output files (all shards, headers included).</param>
/// <param name="Seconds">Wall-clock time of this run.</param>
/// <param name="CpuSeconds">Processor time of the process during the run (all threads).</param>
public sealed record StreamReport(
    string Method, int Shards, int ShardsSkipped, int Tensors, int TensorsCompressed,
    long InputBytes, long ProcessedBytes, long OutputBytes, double Seconds, double CpuSeconds)
{
    /// <summary>Processed input megabytes (10^6) per second.</summary>
    public double MegabytesPerSecond => Seconds > 0 ? ProcessedBytes / 1e6 / Seconds : 0;

    /// <summary>
    /// Processed megabytes per CPU-second: the throughput one uncontended core would give. On a
    /// shared machine wall-clock MB/s measures the neighbours; this measures the code.
    /// </summary>
    public double MegabytesPerCpuSecond => CpuSeconds > 0 ? ProcessedBytes / 1e6 / CpuSeconds : 0;

    /// <summary>CPU time over wall time, in percent of one core (200 % = two cores busy).</summary>
    public double CpuPercent => Seconds > 0 ? 100 * CpuSeconds / Seconds : 0;

    /// <summary>Output file bytes ÷ input tensor bytes: compressed ÷ original, the one meaning of "ratio" (docs/cli.md).</summary>
    public double Ratio => InputBytes > 0 ? (double)OutputBytes / InputBytes : double.NaN;

    /// <summary>Input tensor bytes ÷ output file bytes (how many times smaller; the inverse of <see cref="Ratio"/>).</summary>
    public double TimesSmaller => OutputBytes > 0 ? (double)InputBytes / OutputBytes : 0;
}
