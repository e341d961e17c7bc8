using Condense.Formats.Onnx;
using Condense.Graph.Dependency;
using Onnx;

namespace Condense.Graph.Structure;

/// <summary>
/// One score per channel of each prunable group (<see cref="ChannelImportance"/>): the norm of
/// the channel's producer weights, or the output error its removal alone causes downstream.
/// </summary>
public static class ChannelScores
{
    /// <summary>Scores for every group in <paramref name="prunable"/>, by group id.</summary>
    /// <param name="graph">The graph the groups were found in.</param>
    /// <param name="prunable">The groups to score.</param>
    /// <param name="importance">The criterion.</param>
    /// <param name="grams">Input statistics of the consumers (needed for <see cref="ChannelImportance.Reconstruction"/>).</param>
    /// <param name="ridge">λ as a share of the mean input energy, for <see cref="ChannelImportance.Obs"/> (as the refit's).</param>
    /// <param name="relative">Reconstruction scores as shares of each consumer's output energy, comparable across layers (for <see cref="BudgetScope.PerFlop"/>).</param>
    public static IReadOnlyDictionary<int, double[]> Compute(GraphProto graph, IReadOnlyList<ChannelGroup> prunable, ChannelImportance importance, InputGrams? grams,
        double ridge = 1e-2, bool relative = false)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(prunable);
        var tensors = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var scores = prunable.ToDictionary(g => g.Id, g => new double[g.Width]);
        if (importance == ChannelImportance.Obs)
        {
            if (grams is null) throw new CondenseException("OBS importance needs calibration data");
            ObsChannelScores.Compute(graph, prunable, grams, tensors, scores, ridge);
            return scores;
        }
        if (importance == ChannelImportance.Reconstruction)
        {
            if (grams is null) throw new CondenseException("reconstruction importance needs calibration data");
            Reconstruction(graph, prunable, grams, tensors, scores, relative);
            return scores;
        }
        var values = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var g in prunable)
            foreach (var s in g.Slices.Where(s => s.Role == SliceRole.ProducerOutput))
            {
                var t = tensors[s.Tensor];
                if (!values.TryGetValue(s.Tensor, out var v)) values[s.Tensor] = v = OnnxTensorData.ToFloat32(t);
                var dims = t.Dims.ToArray();
                for (int c = 0; c < g.Width; c++)
                {
                    double sum = 0;
                    for (long j = 0; j < s.Block; j++)
                        foreach (var i in TensorAxis.Indices(dims, s.Axis, s.Offset + c * s.Block + j))
                            sum += importance == ChannelImportance.L1 ? Math.Abs(v[i]) : (double)v[i] * v[i];
                    scores[g.Id][c] += sum;
                }
            }
        if (importance == ChannelImportance.L2)
            foreach (var s in scores.Values) for (int i = 0; i < s.Length; i++) s[i] = Math.Sqrt(s[i]);
        return scores;
    }

    static void Reconstruction(GraphProto graph, IReadOnlyList<ChannelGroup> prunable, InputGrams grams,
        Dictionary<string, TensorProto> tensors, Dictionary<int, double[]> scores, bool relative)
    {
        var byNode = prunable.SelectMany(g => g.Slices.Where(s => s.Role == SliceRole.ConsumerInput).Select(s => (Group: g, Slice: s)))
            .GroupBy(x => x.Slice.Node);
        var nodes = graph.Node.ToDictionary(DependencyAnalysis.NodeName, StringComparer.Ordinal);
        foreach (var consumer in byNode)
        {
            var layer = MatrixLayer.Of(nodes[consumer.Key], tensors);
            if (layer is null || !grams.Has(layer.Node.Name)) continue;
            var g = grams.For(layer.Node.Name);
            var m = layer.Matrix();
            int k = layer.K, n = layer.N, size = k + 1;
            var scale = relative ? 1 / Math.Max(LeastSquaresRefit.OutputEnergy(g, k, m, n), 1e-30) : 1;
            foreach (var (group, slice) in consumer)
                for (int c = 0; c < group.Width; c++)
                {
                    var features = new List<int>();
                    for (long j = 0; j < slice.Block; j++)
                    {
                        var input = slice.Offset + c * slice.Block + j;
                        for (int t = 0; t < layer.KernelArea; t++) features.Add((int)(input * layer.KernelArea + t));
                    }
                    double energy = 0;
                    foreach (var f in features)
                        foreach (var f2 in features)
                        {
                            var gram = g[(long)f * size + f2];
                            if (gram == 0) continue;
                            double dot = 0;
                            for (int o = 0; o < n; o++) dot += (double)m[(long)f * n + o] * m[(long)f2 * n + o];
                            energy += gram * dot;
                        }
                    scores[group.Id][c] += energy * scale;
                }
        }
    }
}
