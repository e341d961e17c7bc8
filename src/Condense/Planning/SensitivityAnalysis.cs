using Condense.Data;
using Condense.DeepCompression;
using Condense.Metrics;
using Condense.Models;
using Condense.Pruning;
using Condense.Quantization;
using static TorchSharp.torch;

namespace Condense.Planning;

/// <summary>Every layer × setting, measured one layer at a time, plus how well the cheap cond₁ bound ranked them.</summary>
public sealed record SensitivityReport(double BaseAccuracy, IReadOnlyList<LayerCandidate> Candidates, long OverheadBytes, double BoundSpearman);

/// <summary>
/// Measures each layer's sensitivity: for every setting, compress that layer alone (one-shot
/// magnitude pruning + k-means sharing, no retraining), encode it exactly as the container
/// would, and measure the accuracy drop on calibration images held out of nothing the final
/// report uses (the tail of the training split). The cond₁ bound is computed alongside, so the
/// report can say how well the free predictor would have ranked the settings (Spearman ρ
/// between bound and measured drop).
/// </summary>
public static class SensitivityAnalysis
{
    /// <summary>Applies each of <paramref name="grid"/> to one layer at a time of <paramref name="model"/> and measures the accuracy drop and bytes on <paramref name="calibration"/>: the table the planner chooses from.</summary>
    public static SensitivityReport Measure(CondenseModel model, Dataset calibration, IReadOnlyList<LayerSetting> grid, int gapBits = 5, Action<string>? progress = null)
    {
        if (!model.IsClassifier) throw new CondenseException("planning needs a classifier (it measures accuracy)");
        var baseAccuracy = Evaluator.Evaluate(model, calibration).Accuracy ?? double.NaN;
        var candidates = new List<LayerCandidate>();
        foreach (var (name, linear) in model.Layers)
        {
            var w = linear.weight!;
            int rows = (int)w.shape[0], columns = (int)w.shape[1];
            var original = w.detach().contiguous().data<float>().ToArray();
            var bias = linear.bias!.detach().contiguous().data<float>().ToArray();
            var cond = ConditionNumber.OneNorm(original, rows, columns);
            progress?.Invoke($"{name}: {rows}×{columns}, cond₁ {cond:G3}; trying {grid.Count} settings");
            try
            {
                foreach (var setting in grid)
                {
                    var (q, idx, book) = Compress(original, w.shape, setting, 0);
                    var layer = SparseSharedLayer.Encode(name, rows, columns, setting.Bits, gapBits, book, idx, bias);
                    var rel = MatrixNorms.RelativeOneNormError(original, q, rows, columns);
                    using (no_grad())
                    using (var t = tensor(q, w.shape))
                        w.copy_(t);
                    var accuracy = Evaluator.Evaluate(model, calibration).Accuracy ?? double.NaN;
                    candidates.Add(new LayerCandidate(name, setting, layer.StoredBytes, rel, cond * rel, baseAccuracy - accuracy));
                }
            }
            finally
            {
                using var _ = no_grad();
                using var t = tensor(original, w.shape);
                w.copy_(t);
            }
        }
        using var header = new MemoryStream();
        CompressedContainer.Write(header, model.Describe(), []);
        return new SensitivityReport(baseAccuracy, candidates, header.Length,
            Spearman(candidates.Select(c => c.Bound).ToArray(), candidates.Select(c => c.AccuracyDrop).ToArray()));
    }

    /// <summary>One-shot magnitude pruning to the setting's sparsity, then weight sharing with a reserved zero.</summary>
    public static (float[] Quantized, int[] Indices, float[] Codebook) Compress(float[] weights, long[] shape, LayerSetting setting, int seed)
    {
        var pruned = (float[])weights.Clone();
        if (setting.Sparsity > 0)
        {
            using var w = tensor(pruned, shape);
            using var mask = Prune.MagnitudeMask(w, setting.Sparsity);
            using var masked = w * mask;
            pruned = masked.data<float>().ToArray();
        }
        var shared = new WeightSharingQuantizer(new WeightSharingOptions(setting.Bits) { KeepZeros = true, Seed = seed }).Quantize(pruned, shape);
        return (shared.Reconstruct(), shared.Indices(), shared.Codebooks);
    }

    /// <summary>Spearman's rank correlation (average ranks for ties); NaN for fewer than 3 points.</summary>
    public static double Spearman(double[] x, double[] y)
    {
        if (x.Length < 3) return double.NaN;
        var rx = Ranks(x);
        var ry = Ranks(y);
        double mx = rx.Average(), my = ry.Average(), sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    static double[] Ranks(double[] v)
    {
        var order = Enumerable.Range(0, v.Length).OrderBy(i => v[i]).ToArray();
        var ranks = new double[v.Length];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && v[order[j + 1]] == v[order[i]]) j++;
            for (var k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2.0;
            i = j + 1;
        }
        return ranks;
    }
}
