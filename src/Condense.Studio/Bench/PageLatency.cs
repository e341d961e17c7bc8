namespace Condense.Studio.Bench;

/// <summary>
/// Latencies of one page's slider requests, in milliseconds, measured over HTTP on loopback.
/// <see cref="ColdP95"/> covers first visits of each slider value (computed), <see cref="P95"/>
/// the whole drag (first visits and returns, answered from the cache).
/// </summary>
public sealed record PageLatency(string Page, int Requests, double P50, double P95, double ColdP95, double Max);
