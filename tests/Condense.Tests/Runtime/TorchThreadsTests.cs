using Condense.Runtime;
using TorchSharp;

namespace Condense.Tests.Runtime;

public sealed class TorchThreadsTests
{
    [Fact]
    public void Each_worker_gets_its_share_of_the_cores_and_the_count_comes_back_when_the_last_share_ends()
    {
        var before = torch.get_num_threads();
        var outer = TorchThreads.Share(2);
        Assert.Equal(Math.Min(Math.Max(1, Environment.ProcessorCount / 2), before), torch.get_num_threads());
        var inner = TorchThreads.Share(Environment.ProcessorCount * 4);
        Assert.Equal(1, torch.get_num_threads());
        // The outer share ends first (two analyses in the Studio finish in any order): the inner one keeps its threads.
        outer.Dispose();
        outer.Dispose();
        Assert.Equal(1, torch.get_num_threads());
        inner.Dispose();
        Assert.Equal(before, torch.get_num_threads());
    }
}
