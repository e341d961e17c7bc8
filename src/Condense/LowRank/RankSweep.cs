using Condense.Data;
using Condense.Metrics;
using Condense.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.LowRank;

/// <summary>
/// Replaces one layer's weight by its rank-r approximation for each r of a list and evaluates the
/// model each time: the accuracy-against-rank curve of our sources' fc2 experiment. The rank-r
/// weight is put in place as the product U_r·V_r (same outputs as the 784→r→1000-style pair, one
/// matmul), and the original weight is restored afterwards, whatever happens. With a sparse budget,
/// each rank is also evaluated as the low-rank + sparse split L + S of <see cref="LowRankPlusSparse"/>
/// (same rank, s entries in S), put in place the same way, beside the plain rank-r point.
/// </summary>
public static class RankSweep
{
    /// <param name="model">A trained model (left as it was found).</param>
    /// <param name="layerName">One of <see cref="CondenseModel.WeightLayers"/> (fc1, fc2, …; conv1, conv2 of a CNN).</param>
    /// <param name="ranks">Ranks, each 1 ≤ r ≤ min(m, n).</param>
    /// <param name="test">Evaluation data.</param>
    /// <param name="randomized">Use <see cref="RandomizedSvd"/> per rank instead of one exact SVD.</param>
    /// <param name="options">Randomized SVD settings (default p = 10, q = 2, seed 0).</param>
    /// <param name="plusSparse">When set, also split W ≈ L + S at each rank with S holding this many entries.</param>
    /// <param name="plusSparseOptions">GoDec's tolerance and iteration limit (default <see cref="LowRankPlusSparseOptions.Default"/>);
    /// its SVD follows the sweep's: exact, or randomized with <paramref name="options"/> when <paramref name="randomized"/>.</param>
    public static RankSweepResult Run(CondenseModel model, string layerName, IReadOnlyList<int> ranks, Dataset test,
        bool randomized = false, RandomizedSvdOptions? options = null,
        SparseBudget? plusSparse = null, LowRankPlusSparseOptions? plusSparseOptions = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ranks);
        // A conv kernel is factorised as its out × (in·k·k) matrix: rank r is a k×k conv with r
        // filters followed by a 1×1 conv, r·(in·k·k) + out·r parameters.
        var weight = FindWeightLayer(model, layerName).Matrix;
        long m = weight.shape[0], n = weight.shape[1];
        if (ranks.Count == 0) throw new CondenseException("rank sweep: no ranks given");
        foreach (var r in ranks) MatrixGuard.RequireRank(r, m, n, $"layer {layerName}");
        plusSparse?.Resolve(m * n); // a budget too large for the layer fails before any SVD is paid for
        var splitOptions = (plusSparseOptions ?? LowRankPlusSparseOptions.Default) with
        {
            Randomized = randomized ? options ?? RandomizedSvdOptions.Default : null,
        };

        using var scope = NewDisposeScope();
        var original = weight.detach().clone();
        var full = Evaluator.Evaluate(model, test);
        using var svd = TruncatedSvd.Decompose(original);
        var points = new List<RankSweepPoint>();
        try
        {
            foreach (var r in ranks)
            {
                using var approx = randomized ? RandomizedSvd.Compute(original, r, options) : svd.Truncate(RankSelection.Fixed(r));
                var spectral = approx.RelativeSpectralError ?? LowRankError.Measure(original, approx).Spectral;
                var eval = EvaluateWith(model, weight, approx.Reconstruct, test);
                LowRankPlusSparsePoint? split = null;
                if (plusSparse is { } budget)
                {
                    using var lps = LowRankPlusSparse.Compute(original, r, budget, splitOptions);
                    var splitEval = EvaluateWith(model, weight, lps.Reconstruct, test);
                    var equalRank = (int)Math.Min(Math.Min(m, n), lps.StorageBytes / ((m + n) * lps.BytesPerValue));
                    var (equalSpectral, equalFrobenius) = svd.ErrorsAt(equalRank);
                    split = new LowRankPlusSparsePoint(lps.SparseCount, lps.ParameterCount, lps.StorageBytes, lps.TimesSmaller,
                        lps.CompactStorageBytes, lps.CompactTimesSmaller, lps.StorageBytes < lps.DenseBytes,
                        lps.RelativeSpectralError, lps.RelativeFrobeniusError, lps.Iterations, lps.Converged,
                        splitEval.Accuracy, splitEval.Loss, equalRank, equalSpectral, equalFrobenius);
                }
                points.Add(new RankSweepPoint(r, approx.ParameterCount, approx.TimesSmaller, LowRankLinear.Compresses(m, n, r),
                    approx.EnergyKept, spectral, approx.RelativeFrobeniusError, eval.Accuracy, eval.Loss, split));
            }
        }
        finally
        {
            using (no_grad()) weight.copy_(original);
        }
        var values = svd.SingularValues.ToArray();
        return new RankSweepResult(layerName, m, n, randomized ? "randomized" : "truncated", plusSparse, full.Accuracy, full.Loss,
            EffectiveRank.FromSingularValues(values), LowRankLinear.BreakEvenRank(m, n), values, points);
    }

    /// <summary>Puts the approximation in place of the weight (restored by the caller) and evaluates.</summary>
    static Evaluation EvaluateWith(CondenseModel model, Tensor weight, Func<Tensor> approximation, Dataset test)
    {
        using (var inner = NewDisposeScope())
        using (no_grad())
        {
            weight.copy_(approximation());
        }
        return Evaluator.Evaluate(model, test);
    }

    /// <summary>The named weight layer (a CNN's convolutions too), or an error listing the names there are.</summary>
    public static WeightLayer FindWeightLayer(CondenseModel model, string layerName) =>
        model.WeightLayers.FirstOrDefault(l => l.Name == layerName)
        ?? throw new CondenseException($"no layer '{layerName}' (layers: {string.Join(", ", model.WeightLayers.Select(l => l.Name))})");

    /// <summary>The named linear layer, or an error listing the names there are.</summary>
    public static Linear FindLayer(CondenseModel model, string layerName)
    {
        foreach (var (name, layer) in model.Layers)
            if (name == layerName) return layer;
        throw new CondenseException($"no layer '{layerName}' (layers: {string.Join(", ", model.Layers.Select(l => l.Name))})");
    }

    /// <summary>Effective rank of a layer's weight (exact singular values, float64).</summary>
    public static double LayerEffectiveRank(CondenseModel model, string layerName) =>
        EffectiveRank.FromSingularValues(TruncatedSvd.SingularValues(FindLayer(model, layerName).weight!.detach()));
}
