using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Condense.Runtime;

/// <summary>
/// Data-parallel loops over independent items (layers, output runs) with a bounded number of
/// workers, throwing the first item's own exception (a <see cref="CondenseException"/> stays one,
/// so the CLI still prints one line) instead of .NET's <see cref="AggregateException"/>.
/// </summary>
public static class ParallelWork
{
    /// <summary>Workers for CPU-bound loops: <paramref name="threads"/> (the user's ONNX Runtime threads), at least 2 where the machine has 2 cores, never more than it has.</summary>
    public static int Workers(int threads) => Math.Max(1, Math.Min(Environment.ProcessorCount, Math.Max(2, threads)));

    /// <summary>Runs <paramref name="body"/> on every item, at most <paramref name="workers"/> at once, items started in their order (one at a time, not in ranges: put the longest first).</summary>
    public static void ForEach<T>(IEnumerable<T> items, int workers, Action<T> body)
    {
        try
        {
            Parallel.ForEach(Partitioner.Create(items, EnumerablePartitionerOptions.NoBuffering), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, body);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
            throw;
        }
    }
}
