using System.Buffers;
using Condense.Formats;
using Microsoft.Win32.SafeHandles;

namespace Condense.Streaming;

/// <summary>
/// Bounded reads of one tensor of a shard: chunks of whole rows (at most about
/// <see cref="ChunkBytes"/>, at least one row) read with positioned reads, so any number of
/// threads can read the same file at once and nothing bigger than a chunk is ever allocated.
/// </summary>
public sealed class TensorSource
{
    readonly SafeFileHandle _file;
    readonly long _dataStart;

    internal TensorSource(string path, SafeFileHandle file, long dataStart, SafetensorsEntry entry, long chunkBytes, int workers, ArrayPool<byte> pool)
    {
        Path = path;
        _file = file;
        _dataStart = dataStart;
        Entry = entry;
        ChunkBytes = chunkBytes;
        Workers = workers;
        Pool = pool;
        RowElements = RowElementsOf(entry.Shape);
        var rowBytes = RowElements * entry.DType.SizeOf();
        ChunkElements = rowBytes == 0 ? 1 : Math.Max(1, chunkBytes / rowBytes) * RowElements;
        ChunkCount = entry.ElementCount == 0 ? 0 : (int)((entry.ElementCount + ChunkElements - 1) / ChunkElements);
    }

    /// <summary>The file the tensor is read from.</summary>
    public string Path { get; }
    /// <summary>The tensor's header entry (name, dtype, shape, byte range).</summary>
    public SafetensorsEntry Entry { get; }
    /// <summary>Target bytes per chunk, rounded to whole rows: bounds the memory a worker holds.</summary>
    public long ChunkBytes { get; }
    /// <summary>Workers reading chunks in parallel.</summary>
    public int Workers { get; }
    internal ArrayPool<byte> Pool { get; }

    /// <summary>Elements per row: the product of all dimensions but the first (1 for 0- and 1-D tensors, whose chunks need no alignment).</summary>
    public long RowElements { get; }

    /// <summary>Elements per chunk (whole rows; the last chunk may be shorter).</summary>
    public long ChunkElements { get; }

    /// <summary>Number of chunks the tensor is read in.</summary>
    public int ChunkCount { get; }

    /// <summary>The first element and element count of chunk <paramref name="index"/>.</summary>
    public (long First, int Count) Chunk(int index)
    {
        var first = index * ChunkElements;
        return (first, (int)Math.Min(ChunkElements, Entry.ElementCount - first));
    }

    /// <summary>Reads a chunk's stored bytes into <paramref name="destination"/> (its exact length).</summary>
    public void Read(long firstElement, Span<byte> destination)
    {
        var offset = _dataStart + Entry.Begin + firstElement * Entry.DType.SizeOf();
        while (destination.Length > 0)
        {
            var n = RandomAccess.Read(_file, destination, offset);
            if (n == 0)
                throw new InvalidFileException(Path, $"shard is truncated mid-tensor: tensor '{Entry.Name}' ends past the end of the file");
            destination = destination[n..];
            offset += n;
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> over every chunk on up to <see cref="Workers"/> threads, each
    /// with its own accumulator from <paramref name="create"/>; <paramref name="merge"/> combines
    /// them one at a time (under a lock). Use order-independent accumulators (counts, integer sums,
    /// min/max) so that the result does not depend on scheduling.
    /// </summary>
    public void Aggregate<TLocal>(Func<TLocal> create, Action<ReadOnlySpan<byte>, long, TLocal> body, Action<TLocal> merge, CancellationToken cancellation)
    {
        var gate = new object();
        var elementSize = Entry.DType.SizeOf();
        Parallel.For(0, ChunkCount, new ParallelOptions { MaxDegreeOfParallelism = Workers, CancellationToken = cancellation },
            create,
            (i, _, local) =>
            {
                var (first, count) = Chunk(i);
                var bytes = count * elementSize;
                var buffer = Pool.Rent(bytes);
                try
                {
                    Read(first, buffer.AsSpan(0, bytes));
                    body(buffer.AsSpan(0, bytes), first, local);
                }
                finally
                {
                    Pool.Return(buffer);
                }
                return local;
            },
            local => { lock (gate) merge(local); });
    }

    internal static long RowElementsOf(long[] shape)
    {
        if (shape.Length < 2) return 1;
        long n = 1;
        for (var i = 1; i < shape.Length; i++) n *= shape[i];
        return n;
    }
}
