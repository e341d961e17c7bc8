using System.Globalization;
using Condense.Workflows.Bench;

namespace Condense.Cli.Bench;

/// <summary><c>bench lowrank</c> as the command and <c>bench all</c> both run it: torch.svd_lowrank live when asked (../shared/peers/lowrank.py), then the library's measurement.</summary>
public static class LowRankPeer
{
    /// <summary>Runs the peer if <see cref="LowRankBenchRequest.Peers"/> (<paramref name="peerScript"/>, else the shared script), then <see cref="LowRankBench.Run"/>.</summary>
    public static LowRankBenchReport Measure(LowRankBenchRequest request, string? peerScript = null) =>
        LowRankBench.Run(request, request.Peers ? Run(request, peerScript) : null);

    static LowRankPeerReport Run(LowRankBenchRequest request, string? peerScript)
    {
        var script = peerScript is not null ? Path.GetFullPath(peerScript) : PythonPeer.Find("../shared/peers/lowrank.py", "/work/shared/peers/lowrank.py");
        if (script is null || !File.Exists(script))
            throw new CondenseException("bench lowrank: --peers needs ../shared/peers/lowrank.py (or --peer-script PATH)");
        string[] arguments = ["--n", request.N.ToString(CultureInfo.InvariantCulture), "--reps", request.Reps.ToString(CultureInfo.InvariantCulture),
            "--ranks", .. request.Ranks.Select(r => r.ToString(CultureInfo.InvariantCulture))];
        return PythonPeer.Run<LowRankPeerReport>("bench lowrank", script, arguments);
    }
}
