namespace Condense.Runtime;

/// <summary>
/// What one model costs in ONNX Runtime at one thread count and batch: the median latency of a
/// run and the resident memory the session adds (RSS after creating the session and running it
/// once, minus RSS before), which is what a user pays at run time, unlike the file size.
/// </summary>
/// <param name="Threads">Intra-op threads.</param>
/// <param name="Batch">Batch size of the inputs.</param>
/// <param name="MedianMs">Median wall time of one run, in milliseconds.</param>
/// <param name="Runs">Timed runs (after warm-up).</param>
/// <param name="SessionBytes">Resident bytes the session added; 0 where the platform does not say.</param>
public sealed record SessionMeasurement(int Threads, int Batch, double MedianMs, int Runs, long SessionBytes);
