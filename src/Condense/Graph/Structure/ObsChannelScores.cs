using Condense.Graph.Dependency;
using Onnx;
using static TorchSharp.torch;

namespace Condense.Graph.Structure;

/// <summary>
/// Refit-aware channel scores: the order in which a group's channels are removed greedily, each
/// time the channel whose removal, after the consumers are refitted by least squares, costs the
/// least output error on the calibration inputs (Optimal Brain Surgeon on blocks of input
/// features; ThiNet's greedy selection with the refit in the loop). With G⁻¹ = (G + λI)⁻¹ of a
/// consumer's inputs (the constant feature included, so the bias moves too), removing the
/// features c of one channel costs tr(M_cᵀ [G⁻¹_cc]⁻¹ M_c); the others absorb it by
/// M ← M − G⁻¹_{:,c} [G⁻¹_cc]⁻¹ M_c, and G⁻¹ ← G⁻¹ − G⁻¹_{:,c} [G⁻¹_cc]⁻¹ G⁻¹_{c,:}.
/// </summary>
/// <remarks>
/// A channel's score is the cumulative error once it and every channel removed before it are
/// gone, relative to the consumers' output energy, so the lowest k scores are exactly the greedy's
/// first k removals, and a global ranking (<see cref="BudgetScope.Global"/>) prunes every group to
/// about the same relative output error: the less sensitive layers lose more channels. <see cref="ChannelImportance.Reconstruction"/> scores
/// each channel alone and without the refit; this one is what the refit will actually leave.
/// Costs one (K+1)³ inverse per consumer and a rank-b downdate (b features per channel) per
/// removal, in float64.
/// </remarks>
public static class ObsChannelScores
{
    /// <summary>Scores (cumulative refit error at removal, relative to the consumers' output energy) for every group, by group id.</summary>
    public static void Compute(GraphProto graph, IReadOnlyList<ChannelGroup> prunable, InputGrams grams,
        IReadOnlyDictionary<string, TensorProto> tensors, IDictionary<int, double[]> scores, double ridge)
    {
        var nodes = graph.Node.ToDictionary(DependencyAnalysis.NodeName, StringComparer.Ordinal);
        foreach (var group in prunable)
        {
            using var scope = NewDisposeScope();
            var consumers = new List<(Tensor Inverse, Tensor M, long[][] Features)>();
            foreach (var slice in group.Slices.Where(s => s.Role == SliceRole.ConsumerInput))
            {
                var layer = MatrixLayer.Of(nodes[slice.Node], tensors);
                if (layer is null || !grams.Has(layer.Node.Name)) continue;
                int k = layer.K, size = k + 1;
                var g = tensor(grams.For(layer.Node.Name), [size, size], ScalarType.Float64);
                var lambda = ridge * Math.Max(g.diagonal().narrow(0, 0, k).mean().item<double>(), 1e-12);
                var damped = g + lambda * eye(size, dtype: ScalarType.Float64);
                var inverse = linalg.inv(damped);
                var m = cat([tensor(layer.Matrix(), [k, layer.N]).to_type(ScalarType.Float64), zeros(1, layer.N, dtype: ScalarType.Float64)], 0);
                var features = new long[group.Width][];
                for (int c = 0; c < group.Width; c++)
                {
                    var list = new List<long>();
                    for (long j = 0; j < slice.Block; j++)
                        for (int t = 0; t < layer.KernelArea; t++) list.Add((slice.Offset + c * slice.Block + j) * layer.KernelArea + t);
                    features[c] = [.. list];
                }
                consumers.Add((inverse, m, features));
            }
            if (consumers.Count == 0) continue;
            // Relative to the consumers' output energy tr(MᵀGM) (before any change), so that groups
            // of different scales compare: a global budget then evens out the relative error.
            double energy = 0;
            foreach (var slice in group.Slices.Where(s => s.Role == SliceRole.ConsumerInput))
            {
                var layer = MatrixLayer.Of(nodes[slice.Node], tensors);
                if (layer is null || !grams.Has(layer.Node.Name)) continue;
                var g = tensor(grams.For(layer.Node.Name), [layer.K + 1, layer.K + 1], ScalarType.Float64).narrow(0, 0, layer.K).narrow(1, 0, layer.K);
                var m = tensor(layer.Matrix(), [layer.K, layer.N]).to_type(ScalarType.Float64);
                energy += (m * g.matmul(m)).sum().item<double>();
            }
            var score = scores[group.Id];
            Greedy(group.Width, consumers, score);
            if (energy > 0) for (int c = 0; c < score.Length; c++) score[c] /= energy;
        }
    }

    static void Greedy(int width, List<(Tensor Inverse, Tensor M, long[][] Features)> consumers, double[] score)
    {
        var alive = Enumerable.Range(0, width).ToList();
        double total = 0;
        // The last channel is never removed (a group keeps one); it gets the highest score.
        while (alive.Count > 1)
        {
            using var step = NewDisposeScope();
            var cost = zeros(alive.Count, dtype: ScalarType.Float64);
            foreach (var (inverse, m, features) in consumers)
            {
                // All alive channels at once: their diagonal blocks of G⁻¹ and rows of M, one batched solve.
                int b = features[0].Length;
                long size = inverse.shape[0];
                var f = tensor(alive.SelectMany(c => features[c]).ToArray(), [alive.Count, b]);
                var flat = (f.unsqueeze(2) * size + f.unsqueeze(1)).flatten();
                var blocks = inverse.flatten().take(flat).view(alive.Count, b, b);
                var mc = m.index_select(0, f.flatten()).view(alive.Count, b, -1);
                cost.add_((mc * linalg.solve(blocks, mc)).sum([1, 2]));
            }
            var costs = cost.data<double>().ToArray();
            var at = 0;
            for (int i = 1; i < costs.Length; i++) if (costs[i] < costs[at]) at = i;
            var best = alive[at];
            total += Math.Max(0, costs[at]);
            score[best] = total;
            alive.RemoveAt(at);
            foreach (var (inverse, m, features) in consumers)
            {
                var f = tensor(features[best]);
                var columns = inverse.index_select(1, f);
                var block = columns.index_select(0, f);
                m.sub_(columns.matmul(linalg.solve(block, m.index_select(0, f))));
                inverse.sub_(columns.matmul(linalg.solve(block, columns.t())));
            }
        }
        score[alive[0]] = total + 1 + Math.Abs(total);
    }
}
