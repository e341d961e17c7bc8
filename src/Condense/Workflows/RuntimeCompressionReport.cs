using Condense.Runtime;

namespace Condense.Workflows;

/// <summary>How closely one output of the result follows the original on the held-out samples.</summary>
/// <param name="Name">The output.</param>
/// <param name="MeanCosine">Mean over samples of the cosine between the flattened outputs.</param>
/// <param name="MinCosine">The worst sample's cosine.</param>
/// <param name="MaxRelative">max |Δ| / max |original| over all samples.</param>
public sealed record OutputAgreement(string Name, double MeanCosine, double MinCosine, double MaxRelative);

/// <summary>The original and the result measured alike; <see cref="Slower"/> flags a result that lost time.</summary>
public sealed record RuntimeComparison(int Threads, int Batch, SessionMeasurement Original, SessionMeasurement Result)
{
    /// <summary>Result latency / original latency.</summary>
    public double LatencyRatio => Result.MedianMs / Original.MedianMs;

    /// <summary>Result session memory / original's (NaN when unknown).</summary>
    public double MemoryRatio => Original.SessionBytes > 0 ? (double)Result.SessionBytes / Original.SessionBytes : double.NaN;

    /// <summary>True when the result is more than 3 % slower (timer noise below that).</summary>
    public bool Slower => LatencyRatio > 1.03;
}

/// <summary>What <see cref="RuntimeCompression"/> did and measured.</summary>
public sealed record RuntimeCompressionReport(
    string Input,
    string Output,
    RuntimeMethod Method,
    string Details,
    string DataDescription,
    long BytesBefore,
    long BytesAfter,
    IReadOnlyList<OutputAgreement> Agreement,
    IReadOnlyList<RuntimeComparison> Timing,
    IReadOnlyDictionary<string, int> RuntimeOps,
    IReadOnlyList<string> Warnings,
    NBitsRounding? NBits = null)
{
    /// <summary>True when any measured configuration is slower than the original.</summary>
    public bool AnySlower => Timing.Any(t => t.Slower);
}

/// <summary>
/// How the nbits codes were rounded, and what that bought on held-out data: the result's mean
/// held-out output cosine (sentence embeddings pooled over the mask for a transformer) beside
/// round-to-nearest's on the same grid, so GPTQ's gain is visible in one run.
/// </summary>
/// <param name="Rounding">"gptq" or "round-to-nearest".</param>
/// <param name="Reason">Why round-to-nearest, when it is (null for GPTQ).</param>
/// <param name="HeldOutCosine">The written result's mean held-out cosine (null without real data).</param>
/// <param name="RoundToNearestCosine">Round-to-nearest's on the same grid (null without real data).</param>
public sealed record NBitsRounding(string Rounding, string? Reason, double? HeldOutCosine, double? RoundToNearestCosine);
