using TorchSharp;

namespace Condense.Runtime;

/// <summary>
/// LibTorch on one intra-op thread for a span of work where Condense runs layers side by side itself
/// (<see cref="ParallelWork"/>), restored after. With every LibTorch call taking all the cores as well, the cores are
/// oversubscribed and libgomp's threads spin after each parallel region on the core another worker (a second layer's
/// GPTQ, an ONNX Runtime session) needs: ResNet18's analysis on 2 cores took 76.5 s with two LibTorch threads per worker
/// and 68.7 s with one. One thread also makes LibTorch's float sums, and so every GPTQ figure, the same on a machine of
/// any core count (more workers, <c>--threads</c>, are what use more cores).
/// </summary>
public static class TorchThreads
{
    static readonly object Gate = new();
    static int holders;
    static int before;

    /// <summary>One LibTorch thread until disposed; nests, and the count comes back when the last holder lets go.</summary>
    public static IDisposable One()
    {
        lock (Gate)
        {
            // The first holder keeps the count to restore; a later one (two analyses at once in the Studio) shares it.
            if (holders++ == 0) before = torch.get_num_threads();
            torch.set_num_threads(1);
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
