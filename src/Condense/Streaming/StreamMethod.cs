namespace Condense.Streaming;

/// <summary>The compression methods that have a streaming, per-tensor form.</summary>
public enum StreamMethod
{
    /// <summary>Symmetric int8, one scale per output channel (<see cref="Int8PerChannelCompressor"/>).</summary>
    Int8,
    /// <summary>8-bit k-means weight sharing on a value histogram (<see cref="KMeans8Compressor"/>).</summary>
    KMeans,
}

/// <summary>Names and factories of <see cref="StreamMethod"/>: the command line and the benchmarks make compressors here, so they agree on names and defaults.</summary>
public static class StreamMethods
{
    /// <summary>The one factory from method to compressor (default settings).</summary>
    public static ITensorCompressor Create(StreamMethod method) => method switch
    {
        StreamMethod.Int8 => new Int8PerChannelCompressor(),
        StreamMethod.KMeans => new KMeans8Compressor(),
        _ => throw new CondenseException($"unknown streaming method {method}"),
    };

    /// <summary>Parses "int8" or "kmeans" (also "kmeans8").</summary>
    public static StreamMethod Parse(string name) => name.ToLowerInvariant() switch
    {
        "int8" => StreamMethod.Int8,
        "kmeans" or "kmeans8" or "k-means" => StreamMethod.KMeans,
        _ => throw new CondenseException($"unknown method '{name}': use int8 or kmeans"),
    };
}
