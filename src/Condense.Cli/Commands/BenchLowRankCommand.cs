using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Condense.Cli.Bench;
using Condense.LowRank;
using Condense.Workflows.Bench;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench lowrank</c>: Condense's randomized SVD against torch.svd_lowrank(q=r, niter=2) on
/// the peer's matrices (1000×1000 float32, singular values 1/i and Gaussian), 2 threads, best of N
/// (<see cref="LowRankBench"/>, run by <see cref="LowRankPeer"/>). With <c>--peers</c> it runs ../shared/peers/lowrank.py in the same
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
        var report = LowRankPeer.Measure(new LowRankBenchRequest(n, ranks, reps, options, livePeers), peerScript);
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(report, CliConsole.SnakeJson));
            return 0;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = Math.Max(console.Profile.Width, 200);
        var table = new Table().Title($"Randomized SVD, {n}×{n} float32, 2 threads, best of {reps} (p={options.Oversamples}, q={options.PowerIterations}, {options.Normalizer})");
        foreach (var h in new[] { "matrix", "r", "Condense s", "torch lowrank s", "time ratio", "Condense spec. err", "torch spec. err", "optimal σ_{r+1}/σ_1", "TorchSharp full SVD s", "torch full SVD s", "target" })
            table.AddColumn(h);
        static string F(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "–";
        foreach (var row in report.Runs)
        {
            table.AddRow(row.Matrix, row.R.ToString(CultureInfo.InvariantCulture),
                F(row.CondenseTimeS, "F4"), F(row.TorchLowrankTimeS, "F4") + (row.TorchSource is { } src ? $" ({src})" : ""),
                F(row.TimeRatio, "F2"), F(row.CondenseRelSpec, "F4"), F(row.TorchLowrankRelSpec, "F4"), F(row.OptimalRelSpec, "F4"),
                F(row.TorchsharpSvdFullTimeS, "F3"), F(row.TorchSvdFullTimeS, "F3"),
                row.MeetsTarget is { } ok ? (ok ? "met" : "missed") : "–");
        }
        console.Write(table);
        return 0;
    }
}
