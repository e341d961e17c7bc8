using Condense.Runtime;
using TorchSharp;

namespace Condense.Tests.Runtime;

public sealed class TorchThreadsTests
{
    [Fact]
    public void LibTorch_runs_on_one_thread_until_the_last_holder_lets_go()
    {
        var before = torch.get_num_threads();
        var outer = TorchThreads.One();
        Assert.Equal(1, torch.get_num_threads());
        var inner = TorchThreads.One();
        // The outer holder ends first (two analyses in the Studio finish in any order): the inner one keeps its thread.
        outer.Dispose();
        outer.Dispose();
        Assert.Equal(1, torch.get_num_threads());
        inner.Dispose();
        Assert.Equal(before, torch.get_num_threads());
    }
}
