using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Condense.LowRank;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench lowrank</c>: Condense's randomized SVD against torch.svd_lowrank(q=r, niter=2) on
/// the peer's matrices (1000×1000 float32, singular values 1/i and Gaussian), 2 threads, best of N.
/// With <c>--peers</c> it runs ../shared/peers/lowrank.py in the same process tree for live figures;
/// otherwise it quotes the figures measured for the issue.
/// </summary>
public static class BenchLowRankCommand
{
    /// <summary>torch 1.13 figures from the issue (seconds and spectral errors), used when the peer is not run live.</summary>
    static readonly Dictionary<(string Matrix, int Rank), (double Full, double LowRank, double Spectral)> Quoted = new()
    {
        [("decay", 50)] = (0.184, 0.009, 0.0224),
        [("decay", 200)] = (0.184, 0.044, 0.0059),
        [("gaussian", 50)] = (0.133, 0.008, 0.949),
    };

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
        if (livePeers) peer = RunPeer(peerScript, n, ranks, reps);

        var rows = new List<JsonObject>();
        using (var scope = NewDisposeScope())
        {
            foreach (var (name, a) in Matrices(n))
            {
                var fullTime = Best(reps, () => { using var s = NewDisposeScope(); linalg.svd(a, fullMatrices: false); });
                foreach (var r in ranks)
                {
                    // Warm-up outside the timing, then best of reps; each run disposes its factors.
                    RandomizedSvd.Compute(a, r, options).Dispose();
                    var time = Best(reps, () => RandomizedSvd.Compute(a, r, options).Dispose());
                    using var approx = RandomizedSvd.Compute(a, r, options);
                    var errors = LowRankError.Measure(a, approx);
                    var optimal = TruncatedSvd.SingularValues(a);
                    var row = new JsonObject
                    {
                        ["matrix"] = name, ["r"] = r,
                        ["condense_time_s"] = time, ["condense_rel_spec"] = errors.Spectral, ["condense_rel_fro"] = errors.Frobenius,
                        ["torchsharp_svd_full_time_s"] = fullTime,
                        ["optimal_rel_spec"] = r < optimal.Length ? optimal[r] / optimal[0] : 0,
                    };
                    var torchRow = peer?["runs"]?.AsArray().FirstOrDefault(x => (string?)x?["matrix"] == name && (int?)x?["r"] == r);
                    if (torchRow is not null)
                    {
                        row["torch_source"] = "live";
                        row["torch_svd_full_time_s"] = (double)torchRow["svd_full_time_s"]!;
                        row["torch_lowrank_time_s"] = (double)torchRow["svd_lowrank_time_s"]!;
                        row["torch_lowrank_rel_spec"] = (double)torchRow["lowrank_rel_spec"]!;
                    }
                    else if (n == 1000 && Quoted.TryGetValue((name, r), out var q))
                    {
                        row["torch_source"] = "issue";
                        row["torch_svd_full_time_s"] = q.Full;
                        row["torch_lowrank_time_s"] = q.LowRank;
                        row["torch_lowrank_rel_spec"] = q.Spectral;
                    }
                    if (row["torch_lowrank_time_s"] is JsonNode t)
                    {
                        row["time_ratio"] = time / (double)t;
                        row["meets_target"] = time <= 1.2 * (double)t && errors.Spectral <= (double)row["torch_lowrank_rel_spec"]!;
                    }
                    rows.Add(row);
                }
            }
        }

        var document = new JsonObject
        {
            ["bench"] = "lowrank", ["n"] = n, ["threads"] = torch.get_num_threads(), ["dtype"] = "float32",
            ["timing"] = $"best of {reps}", ["oversamples"] = options.Oversamples, ["power_iterations"] = options.PowerIterations,
            ["normalizer"] = options.Normalizer.ToString(), ["target"] = "time ≤ 1.2× torch.svd_lowrank and spectral error ≤ torch's",
            ["runs"] = new JsonArray(rows.Select(x => (JsonNode)x).ToArray()),
        };
        if (json)
        {
            output.WriteLine(document.ToJsonString());
            return 0;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = Math.Max(console.Profile.Width, 200);
        var table = new Table().Title($"Randomized SVD, {n}×{n} float32, 2 threads, best of {reps} (p={options.Oversamples}, q={options.PowerIterations}, {options.Normalizer})");
        foreach (var h in new[] { "matrix", "r", "Condense s", "torch lowrank s", "ratio", "Condense spec. err", "torch spec. err", "optimal σ_{r+1}/σ_1", "TorchSharp full SVD s", "torch full SVD s", "target" })
            table.AddColumn(h);
        foreach (var row in rows)
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

    /// <summary>The peer's matrices: U·diag(1/i)·Vᵀ with random orthogonal U, V (seed 0) and N(0, 1).</summary>
    static IEnumerable<(string Name, Tensor Matrix)> Matrices(int n)
    {
        using var generator = new Generator(0);
        var (u, _) = linalg.qr(randn(new long[] { n, n }, dtype: ScalarType.Float64, generator: generator));
        var (v, _) = linalg.qr(randn(new long[] { n, n }, dtype: ScalarType.Float64, generator: generator));
        var s = 1.0 / arange(1, n + 1, dtype: ScalarType.Float64);
        var decay = (u * s).mm(v.t()).to_type(ScalarType.Float32);
        var gaussian = randn(new long[] { n, n }, dtype: ScalarType.Float32, generator: generator);
        return new[] { ("decay", decay), ("gaussian", gaussian) };
    }

    static double Best(int reps, Action action)
    {
        var best = double.MaxValue;
        for (int i = 0; i < reps; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return best;
    }

    static JsonObject RunPeer(string? script, int n, int[] ranks, int reps)
    {
        script ??= new[] { "../shared/peers/lowrank.py", "/work/shared/peers/lowrank.py" }
            .Select(Path.GetFullPath).FirstOrDefault(File.Exists);
        if (script is null || !File.Exists(script))
            throw new CondenseException("bench lowrank: --peers needs ../shared/peers/lowrank.py (or --peer-script PATH)");
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        foreach (var a in new[] { "--n", n.ToString(CultureInfo.InvariantCulture), "--reps", reps.ToString(CultureInfo.InvariantCulture), "--ranks" })
            info.ArgumentList.Add(a);
        foreach (var r in ranks) info.ArgumentList.Add(r.ToString(CultureInfo.InvariantCulture));
        using var process = Process.Start(info) ?? throw new CondenseException("bench lowrank: could not start /usr/bin/python3");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var last = stderr.Result.Trim().Split('\n').LastOrDefault() ?? "";
            throw new CondenseException($"bench lowrank: the peer {script} failed (exit {process.ExitCode}): {last} (run ../shared/peers/setup.sh)");
        }
        try
        {
            return JsonNode.Parse(stdout.Trim().Split('\n').Last())!.AsObject();
        }
        catch (JsonException ex)
        {
            throw new CondenseException($"bench lowrank: the peer {script} printed no JSON line: {ex.Message}");
        }
    }
}
