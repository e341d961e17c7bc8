using System.Globalization;
using Condense.Workflows.Bench;

namespace Condense.Cli.Bench;

/// <summary><c>bench cnn</c> as the command and <c>bench all</c> both run it: the library's epoch, then PyTorch 1.13's (bench/peers/cnn_epoch.py) at the same samples, batch, threads and configuration.</summary>
public static class CnnPeer
{
    /// <summary>Runs <see cref="CnnBench.Run"/> with the peer when <see cref="CnnBenchRequest.Peer"/>.</summary>
    public static CnnBenchReport Measure(CnnBenchRequest request) => CnnBench.Run(request, Run, LoadAverages.OneMinute);

    /// <summary>Runs bench/peers/cnn_epoch.py (found above the current folder) under Debian's python3.</summary>
    static CnnPeerRun Run(CnnBenchReport ours)
    {
        string? script = null;
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null && script is null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "peers", "cnn_epoch.py");
            if (File.Exists(candidate)) script = candidate;
        }
        if (script is null) throw new CondenseException("bench cnn: bench/peers/cnn_epoch.py not found above the current folder (or pass --no-peer)");
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        return PythonPeer.Run<CnnPeerRun>("bench cnn", script, ["--samples", I(ours.Samples), "--batch", I(ours.Batch), "--threads", I(ours.Threads), "--config", ours.Config]);
    }
}
