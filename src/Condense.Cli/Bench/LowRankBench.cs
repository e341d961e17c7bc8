using System.Diagnostics;
using System.Text.Json.Nodes;
using Condense.LowRank;
using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Cli.Bench;

/// <summary>
/// The measurements of <c>condense bench lowrank</c>: Condense's randomized SVD on the peer's
/// matrices (1000×1000 float32, singular values 1/i and Gaussian), best of N, beside
/// torch.svd_lowrank measured live or quoted from the issue. Returns the JSON document the
/// command prints (and <c>bench all</c> reads).
/// </summary>
public static class LowRankBench
{
    /// <summary>torch 1.13 figures from the issue (seconds and spectral errors), used when the peer is not run live.</summary>
    static readonly Dictionary<(string Matrix, int Rank), (double Full, double LowRank, double Spectral)> Quoted = new()
    {
        [("decay", 50)] = (0.184, 0.009, 0.0224),
        [("decay", 200)] = (0.184, 0.044, 0.0059),
        [("gaussian", 50)] = (0.133, 0.008, 0.949),
    };

    /// <summary>One row per (matrix, rank): times, errors and the torch figures beside them.</summary>
    public static JsonObject Measure(int n, int[] ranks, int reps, RandomizedSvdOptions options, JsonObject? peer)
    {
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
                    AddTorch(row, peer, n, name, r, time, errors.Spectral);
                    rows.Add(row);
                }
            }
        }
        return new JsonObject
        {
            ["bench"] = "lowrank", ["n"] = n, ["threads"] = torch.get_num_threads(), ["dtype"] = "float32",
            ["timing"] = $"best of {reps}", ["oversamples"] = options.Oversamples, ["power_iterations"] = options.PowerIterations,
            ["normalizer"] = options.Normalizer.ToString(), ["target"] = "time ≤ 1.2× torch.svd_lowrank and spectral error ≤ torch's",
            ["runs"] = new JsonArray(rows.Select(x => (JsonNode)x).ToArray()),
        };
    }

    /// <summary>torch's figures for the row (live, else quoted for n = 1000), and whether Condense meets the target against them.</summary>
    static void AddTorch(JsonObject row, JsonObject? peer, int n, string name, int r, double time, double spectral)
    {
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
            row["meets_target"] = time <= 1.2 * (double)t && spectral <= (double)row["torch_lowrank_rel_spec"]!;
        }
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
}
