using TorchSharp;

namespace Condense.Runtime;

/// <summary>
/// LibTorch's intra-op threads shared out among Condense's own workers for a span of work, and restored after.
/// Where Condense runs layers side by side (<see cref="ParallelWork"/>), every LibTorch call taking all the cores as
/// well oversubscribes them, and libgomp's threads spin after each parallel region on the core another worker (a
/// second layer's GPTQ, an ONNX Runtime session) needs: ResNet18's analysis on 2 cores took 76.5 s with two LibTorch
/// threads per worker and 68.7 s with one. Fixing the count also makes LibTorch's sums independent of how busy the
/// machine's cores are.
/// </summary>
public static class TorchThreads
{
    static readonly object Gate = new();
    static int holders;
    static int before;

    /// <summary>Gives each of <paramref name="workers"/> an equal share of the cores (at least one thread) until disposed; nests.</summary>
    public static IDisposable Share(int workers)
    {
        var share = Math.Max(1, Environment.ProcessorCount / Math.Max(1, workers));
        lock (Gate)
        {
            // The first holder keeps the count to restore; a later one (two analyses at once in the Studio) shares it.
            if (holders++ == 0) before = torch.get_num_threads();
            torch.set_num_threads(Math.Min(share, before));
        }
        return new Release();
    }

    sealed class Release : IDisposable
    {
        int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 1) return;
            lock (Gate)
                if (--holders == 0) torch.set_num_threads(before);
        }
    }
}
