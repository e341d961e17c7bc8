namespace Condense.Imaging;

/// <summary>
/// Runs a per-point pass over fixed-size chunks of points on the thread pool. The chunk size is
/// fixed, never derived from the core count, and each chunk's partial results are combined in
/// chunk order, so every result is the same on one core or many: parallelism buys time, never
/// different bytes.
/// </summary>
internal static class PointChunks
{
    /// <summary>Points per chunk: large enough that scheduling costs little, small enough to balance two to eight cores.</summary>
    public const int Size = 4096;

    public static int Count(int points) => (points + Size - 1) / Size;

    /// <summary>Calls <paramref name="body"/>(chunk, start, end) for every chunk, in parallel when there is more than one.</summary>
    public static void For(int points, Action<int, int, int> body)
    {
        var chunks = Count(points);
        if (chunks <= 1)
        {
            body(0, 0, points);
            return;
        }
        Parallel.For(0, chunks, c => body(c, c * Size, Math.Min(points, (c + 1) * Size)));
    }
}
