using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Condense.Cli.Bench;
using Condense.LowRank;
using Spectre.Console;
using TorchSharp;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench lowrank</c>: Condense's randomized SVD against torch.svd_lowrank(q=r, niter=2) on
/// the peer's matrices (1000×1000 float32, singular values 1/i and Gaussian), 2 threads, best of N
/// (<see cref="LowRankBench"/>). With <c>--peers</c> it runs ../shared/peers/lowrank.py in the same
/// process tree for live figures; otherwise it quotes the figures measured for the issue.
/// </summary>
public static class BenchLowRankCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of a table." };
        var peers = new Option<bool>("--peers") { Description = "Run the PyTorch peer (../shared/peers/lowrank.py) live for side-by-side figures." };
        var n = new Option<int>("--n") { Description = "Matrix size n (n×n).", DefaultValueFactory = _ => 1000 };
        var ranks = new Option<int[]>("--ranks") { Description = "Ranks to sketch.", DefaultValueFactory = _ => new[] { 50, 200 }, AllowMultipleArgumentsPerToken = true };
        var reps = new Option<int>("--reps") { Description = "Repetitions; the best time is reported.", DefaultValueFactory = _ => 5 };
        var oversamples = new Option<int>("--oversamples") { Description = "p, extra sketch columns.", DefaultValueFactory = _ => 10 };
        var iterations = new Option<int>("--power-iterations") { Description = "q, power iterations.", DefaultValueFactory = _ => 2 };
        var normalizer = new Option<PowerIterationNormalizer>("--normalizer") { Description = "QR, LU or None between power iterations.", DefaultValueFactory = _ => PowerIterationNormalizer.QR };
        var peerScript = new Option<string?>("--peer-script") { Description = "Path of lowrank.py (default: ../shared/peers/lowrank.py from the repository or the current directory)." };
        var command = new Command("lowrank", "Randomized SVD vs torch.svd_lowrank: time and spectral error at equal rank.")
        {
            json, peers, n, ranks, reps, oversamples, iterations, normalizer, peerScript,
        };
        command.SetAction(parse =>
        {
            var options = new RandomizedSvdOptions
            {
                Oversamples = parse.GetValue(oversamples),
                PowerIterations = parse.GetValue(iterations),
                Normalizer = parse.GetValue(normalizer),
            };
            return Run(parse.GetValue(n), parse.GetValue(ranks)!, parse.GetValue(reps), options,
                parse.GetValue(peers), parse.GetValue(peerScript), parse.GetValue(json), parse.InvocationConfiguration.Output);
        });
        return command;
    }

    static int Run(int n, int[] ranks, int reps, RandomizedSvdOptions options, bool livePeers, string? peerScript, bool json, TextWriter output)
    {
        if (n < 2 || n > 8192) throw new CondenseException($"bench lowrank: --n must be in [2, 8192], got {n}");
        if (reps < 1 || reps > 1000) throw new CondenseException($"bench lowrank: --reps must be in [1, 1000], got {reps}");
        foreach (var r in ranks)
            if (r < 1 || r > n) throw new CondenseException($"bench lowrank: rank {r} must be in [1, {n}]");
        torch.set_num_threads(2);

        JsonObject? peer = null;
        if (livePeers)
        {
            var script = peerScript is not null ? Path.GetFullPath(peerScript) : PythonPeer.Find("../shared/peers/lowrank.py", "/work/shared/peers/lowrank.py");
            if (script is null || !File.Exists(script))
                throw new CondenseException("bench lowrank: --peers needs ../shared/peers/lowrank.py (or --peer-script PATH)");
            string[] arguments = ["--n", n.ToString(CultureInfo.InvariantCulture), "--reps", reps.ToString(CultureInfo.InvariantCulture), "--ranks", .. ranks.Select(r => r.ToString(CultureInfo.InvariantCulture))];
            peer = PythonPeer.Run("bench lowrank", script, arguments);
        }
        var document = LowRankBench.Measure(n, ranks, reps, options, peer);
        if (json)
        {
            output.WriteLine(document.ToJsonString());
            return 0;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = Math.Max(console.Profile.Width, 200);
        var table = new Table().Title($"Randomized SVD, {n}×{n} float32, 2 threads, best of {reps} (p={options.Oversamples}, q={options.PowerIterations}, {options.Normalizer})");
        foreach (var h in new[] { "matrix", "r", "Condense s", "torch lowrank s", "time ratio", "Condense spec. err", "torch spec. err", "optimal σ_{r+1}/σ_1", "TorchSharp full SVD s", "torch full SVD s", "target" })
            table.AddColumn(h);
        foreach (var row in document["runs"]!.AsArray().Select(x => x!.AsObject()))
        {
            string F(string key, string format) => row[key] is JsonNode v ? ((double)v).ToString(format, CultureInfo.InvariantCulture) : "–";
            table.AddRow((string)row["matrix"]!, ((int)row["r"]!).ToString(CultureInfo.InvariantCulture),
                F("condense_time_s", "F4"), F("torch_lowrank_time_s", "F4") + (row["torch_source"] is JsonNode src ? $" ({src})" : ""),
                F("time_ratio", "F2"), F("condense_rel_spec", "F4"), F("torch_lowrank_rel_spec", "F4"), F("optimal_rel_spec", "F4"),
                F("torchsharp_svd_full_time_s", "F3"), F("torch_svd_full_time_s", "F3"),
                row["meets_target"] is JsonNode ok ? ((bool)ok ? "met" : "missed") : "–");
        }
        console.Write(table);
        return 0;
    }
}
