using System.Globalization;
using Condense.Cli.Imaging;
using Condense.Workflows;

namespace Condense.Cli.Bench;

/// <summary><c>bench runtime</c> as the command runs it (and <c>bench all</c> reads back): the library's measurements (<see cref="RuntimeBench"/>), then PyTorch's static int8 ResNet18 (../shared/peers/resnet_int8.py) when asked and present.</summary>
public static class RuntimePeer
{
    /// <summary>Reads the load average, measures every variant in <paramref name="folder"/> and, with <paramref name="peer"/>, runs the PyTorch peer; a peer that cannot run is a note, not an error.</summary>
    public static RuntimeBenchReport Measure(string folder, int runs, bool peer, Action<string>? progress)
    {
        var load = LoadAverages.Read() is { } l ? string.Join(" ", l) : "unknown";
        var rows = RuntimeBench.Run(folder, Condense.Calibration.SampleSentences.All.Take(64).ToList(), runs, progress);
        var (report, note) = peer ? Run(runs) : (null, "skipped (--no-peer)");
        return RuntimeBenchReport.Of(rows, report, note, load);
    }

    static (RuntimePeerReport? Report, string Note) Run(int runs)
    {
        var dir = ColorPeers.FindPeersDirectory();
        var script = dir is null ? null : Path.Combine(dir, "resnet_int8.py");
        if (script is null || !File.Exists(script)) return (null, "skipped: ../shared/peers/resnet_int8.py not found (set CONDENSE_PEERS)");
        if (!File.Exists(ColorPeers.Python)) return (null, $"skipped: {ColorPeers.Python} not found");
        var (code, stdout, stderr) = ColorPeers.Run(ColorPeers.Python, [script, "--reps", runs.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromMinutes(10));
        if (code != 0) return (null, $"skipped: the peer failed (exit {code}; torch/torchvision installed? ../shared/peers/setup.sh): {stderr.Trim().Split('\n').LastOrDefault()}");
        try
        {
            return (System.Text.Json.JsonSerializer.Deserialize<RuntimePeerReport>(stdout.Trim().Split('\n').Last(), CliConsole.SnakeJson), "live");
        }
        catch (System.Text.Json.JsonException ex)
        {
            return (null, $"skipped: the peer printed no RuntimePeerReport on its last line: {ex.Message}");
        }
    }
}
