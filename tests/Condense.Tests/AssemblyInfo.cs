using System.Runtime.CompilerServices;

// TorchSharp's random generator (dropout, initialisation) is process-wide: tests that train
// must not run beside each other, or the same seed would not give the same bytes.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Condense.Tests;

static class TestSetup
{
    /// <summary>
    /// One LibTorch thread: reductions then add in one fixed order, so a seed trains the same
    /// weights on every machine whatever its core count, and the accuracy bars the tests check
    /// (measured that way) hold everywhere. Training results still differ from a 2-thread run
    /// in the last bits, which can move an accuracy by a few test digits.
    /// </summary>
#pragma warning disable CA2255 // a test assembly is exactly where a process-wide setting belongs
    [ModuleInitializer]
    internal static void PinLibTorchThreads() => TorchSharp.torch.set_num_threads(1);
#pragma warning restore CA2255
}
