namespace Condense.Streaming;

/// <summary>
/// Settings of <see cref="StreamCompressor"/>. Memory is about
/// <see cref="ChunksInFlight"/> × <see cref="ChunkBytes"/> (input) plus the codes, whatever the
/// model's size; none of these change the output bytes.
/// </summary>
public sealed record StreamOptions
{
    /// <summary>Worker threads that encode chunks, 1..64; default 2 (the two cores of the reference machine).</summary>
    public int Workers
    {
        get => _workers;
        init => _workers = value is >= 1 and <= 64 ? value : throw new CondenseException($"workers must be in 1..64, got {value}");
    }
    int _workers = 2;

    /// <summary>
    /// Bytes of stored tensor per chunk (whole rows, at least one), 64 KiB..256 MiB; default 4 MiB:
    /// big enough that per-chunk overhead vanishes, small enough that a 500 MB embedding matrix
    /// never sits in memory at once.
    /// </summary>
    public long ChunkBytes
    {
        get => _chunkBytes;
        init => _chunkBytes = value is >= 64 << 10 and <= 256 << 20 ? value : throw new CondenseException($"chunk bytes must be in 65536..268435456, got {value}");
    }
    long _chunkBytes = 4 << 20;

    /// <summary>Chunks read but not yet written, at most; 0 (default) means 2 × workers + 2.</summary>
    public int ChunksInFlight
    {
        get => _inFlight == 0 ? 2 * Workers + 2 : _inFlight;
        init => _inFlight = value is >= 0 and <= 1024 ? value : throw new CondenseException($"chunks in flight must be in 0..1024, got {value}");
    }
    int _inFlight;
}
