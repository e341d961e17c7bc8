using Condense.Formats.Onnx;
using Condense.Graph.Dependency;
using Onnx;
using static TorchSharp.torch;

namespace Condense.Graph.Structure;

/// <summary>
/// Refits the consumers of pruned channels one after another in graph order, each on the inputs
/// the already pruned and refitted network gives it (X′) against the original network's output
/// (Y = X·M): min ‖[X′, 1]·[W′; δ] − Y‖² + λ‖W′ − M_F‖², i.e.
/// (G′ + λI)·[W′; δ] = [X′, 1]ᵀY + λ[M_F; 0] with G′ = [X′, 1]ᵀ[X′, 1]. This is channel pruning
/// as He et al. (ICCV 2017) and ThiNet (Luo et al., ICCV 2017) practise it: a refit from inputs
/// captured once on the original model (<see cref="StructuredPruner"/>'s one-shot refit) cannot
/// see the error the layers above it already make, so a deep stack of pruned blocks drifts; here
/// each later layer corrects what accumulated upstream. It costs two ONNX Runtime runs per sample
/// per refitted layer, streamed (memory: one (K′+1)² and one (K′+1)×N matrix).
/// </summary>
public static class SequentialRefit
{
    /// <summary>Refits, in place in <paramref name="pruned"/>, every layer of <paramref name="consumers"/> that reads a cut input; returns their names.</summary>
    /// <param name="original">The model before the cut (folded, nodes named as in <paramref name="pruned"/>).</param>
    /// <param name="pruned">The cut model (consumers not yet refitted); its consumer weights and biases are replaced.</param>
    /// <param name="consumers">Node names of the consumers of pruned groups.</param>
    /// <param name="cuts">What was removed, per (initializer, axis), as <see cref="StructuredPruner.Cuts"/> gives it.</param>
    /// <param name="samples">Calibration input sets.</param>
    /// <param name="ridge">λ as a share of the mean diagonal of G′ (the refit pulls toward the original kept weights).</param>
    /// <param name="residual">
    /// A consumer whose output (after its bias) goes straight into a residual <c>Add</c> is fitted so
    /// that the sum matches the original block's output: target = original sum − the skip value of
    /// the pruned network − bias, so its refit also absorbs the error arriving through the skip.
    /// </param>
    /// <param name="between">
    /// Also refit every other Conv/Gemm/MatMul between the first cut layer and the last consumer
    /// (nothing removed from their inputs: the blocks' first convs, the shortcuts), so the layers
    /// that read the accumulated error without a removed channel correct it as well.
    /// </param>
    public static IReadOnlyList<string> Apply(OnnxModel original, ModelProto pruned, IReadOnlyCollection<string> consumers,
        IReadOnlyDictionary<(string Tensor, int Axis), HashSet<long>> cuts, IReadOnlyList<IReadOnlyList<TensorProto>> samples, double ridge,
        bool residual = false, bool between = false)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(pruned);
        ArgumentNullException.ThrowIfNull(consumers);
        ArgumentNullException.ThrowIfNull(cuts);
        ArgumentNullException.ThrowIfNull(samples);
        var refitted = new List<string>();
        var originalNodes = original.Proto.Graph.Node.ToDictionary(DependencyAnalysis.NodeName, StringComparer.Ordinal);
        var originalInits = original.Proto.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var order = pruned.Graph.Node.Select((n, i) => (Name: DependencyAnalysis.NodeName(n), i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var layers = consumers.Where(order.ContainsKey).ToHashSet(StringComparer.Ordinal);
        if (between && layers.Count > 0)
        {
            var cutWeights = cuts.Keys.Select(c => c.Tensor).ToHashSet(StringComparer.Ordinal);
            var first = pruned.Graph.Node.Select((n, i) => (n, i)).Where(x => x.n.Input.Count > 1 && cutWeights.Contains(x.n.Input[1])).Select(x => x.i).DefaultIfEmpty(0).Min();
            var last = layers.Max(n => order[n]);
            foreach (var (node, i) in pruned.Graph.Node.Select((n, i) => (n, i)))
                if (i >= first && i <= last && node.OpType is "Conv" or "Gemm" or "MatMul") layers.Add(DependencyAnalysis.NodeName(node));
        }
        foreach (var name in layers.OrderBy(n => order[n]))
        {
            if (!originalNodes.TryGetValue(name, out var originalNode) || MatrixLayer.Of(originalNode, originalInits) is not { } before) continue;
            if (!cuts.TryGetValue((before.Weight.Name, before.InputAxis), out var removedInputs))
            {
                if (!between) continue;
                removedInputs = [];
            }
            var currentNode = pruned.Graph.Node.First(n => DependencyAnalysis.NodeName(n) == name);
            if (MatrixLayer.Of(currentNode, pruned.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal)) is not { } after) continue;
            var keptIn = Enumerable.Range(0, before.K).Where(f => !removedInputs.Contains(f / before.KernelArea)).ToArray();
            var outputAxis = before.Kind switch { MatrixLayerKind.Conv => 0, MatrixLayerKind.Gemm when before.TransB => 0, _ => 1 };
            var removedOutputs = cuts.TryGetValue((before.Weight.Name, outputAxis), out var o) ? o : [];
            var keptOut = Enumerable.Range(0, before.N).Where(c => !removedOutputs.Contains(c)).ToArray();
            if (after.K != keptIn.Length || after.N != keptOut.Length)
                throw new CondenseException($"refit of '{name}': the cut layer is {after.K}×{after.N}, expected {keptIn.Length}×{keptOut.Length}");
            var join = residual && keptOut.Length == before.N ? ResidualJoin.Find(original.Proto.Graph, pruned.Graph, currentNode) : null;
            var (weights, delta) = Solve(original, new OnnxModel(pruned, original.Source, null), before, after, keptIn, keptOut, samples, ridge, join);
            StructuredPruner.Replace(pruned.Graph, after.FromMatrix(weights, after.K, after.N));
            StructuredPruner.AddToBias(pruned.Graph, after, delta);
            refitted.Add(name);
        }
        return refitted;
    }

    /// <summary>A consumer's output joining a residual <c>Add</c>: the sum's and the skip's value names, and the consumer's bias.</summary>
    sealed record ResidualJoin(string Sum, string Skip, float[] Bias, bool ChannelsFirst)
    {
        /// <summary>(sum − skip − bias) as rows × N, the rows in the order <see cref="MatrixLayer.Rows"/> gives.</summary>
        public Tensor Target(TensorProto sum, TensorProto skip, int n, int count)
        {
            var d = tensor(OnnxTensorData.ToFloat32(sum)) - tensor(OnnxTensorData.ToFloat32(skip));
            d = ChannelsFirst ? d.reshape(-1, n, count / Math.Max(1, (int)(sum.Dims[0]))).permute(0, 2, 1).reshape(count, n) : d.reshape(count, n);
            return d - tensor(Bias);
        }

        /// <summary>The join after <paramref name="current"/> (a Conv with its own bias, or a MatMul and its bias Add), or null.</summary>
        public static ResidualJoin? Find(GraphProto originalGraph, GraphProto graph, NodeProto current)
        {
            var init = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
            var value = current.Output[0];
            float[]? bias = null;
            List<NodeProto> Readers(string v) => graph.Node.Where(x => x.Input.Contains(v)).ToList();
            if (current.OpType == "MatMul" && Readers(value) is [{ OpType: "Add" } biasAdd] && biasAdd.Input.FirstOrDefault(init.ContainsKey) is { } b)
            {
                bias = OnnxTensorData.ToFloat32(init[b]);
                value = biasAdd.Output[0];
            }
            else if (current.OpType == "Conv" && current.Input.Count > 2 && init.TryGetValue(current.Input[2], out var cb)) bias = OnnxTensorData.ToFloat32(cb);
            if (bias is null || Readers(value) is not [{ OpType: "Add" } add] || add.Input.Count != 2) return null;
            var skip = add.Input[0] == value ? add.Input[1] : add.Input[0];
            if (init.ContainsKey(skip) || graph.Output.Any(o => o.Name == value)) return null;
            // The same Add in the original graph (names of computed values are kept by the cut).
            if (!originalGraph.Node.Any(x => x.OpType == "Add" && x.Output[0] == add.Output[0])) return null;
            return new ResidualJoin(add.Output[0], skip, bias, current.OpType == "Conv");
        }
    }

    static (float[] Weights, float[] Delta) Solve(OnnxModel original, OnnxModel current, MatrixLayer before, MatrixLayer after,
        int[] keptIn, int[] keptOut, IReadOnlyList<IReadOnlyList<TensorProto>> samples, double ridge, ResidualJoin? join)
    {
        using var scope = NewDisposeScope();
        int k = after.K, n = after.N;
        var m = tensor(before.Matrix(), [before.K, before.N]).index_select(1, tensor(keptOut.Select(i => (long)i).ToArray()));
        var gram = zeros([k + 1, k + 1], ScalarType.Float64);
        var cross = zeros([k + 1, n], ScalarType.Float64);
        using (var capOriginal = new ActivationCapture(original, join is null ? [before.Input] : [before.Input, join.Sum]))
        using (var capCurrent = new ActivationCapture(current, join is null ? [after.Input] : [after.Input, join.Skip]))
            foreach (var sample in samples)
            {
                using var inner = NewDisposeScope();
                var vo = capOriginal.Run(sample);
                var vc = capCurrent.Run(sample);
                var (xo, countO) = before.Rows(vo[before.Input]);
                var (xc, countC) = after.Rows(vc[after.Input]);
                if (countO != countC) throw new CondenseException($"refit of '{after.Node.Name}': {countO} rows in the original, {countC} in the pruned model");
                var y = join is null ? tensor(xo, [countO, before.K]).matmul(m) : join.Target(vo[join.Sum], vc[join.Skip], n, countC);
                var x1 = cat([tensor(xc, [countC, k]), ones(countC, 1)], 1);
                gram.add_(x1.t().matmul(x1).to_type(ScalarType.Float64));
                cross.add_(x1.t().matmul(y).to_type(ScalarType.Float64));
            }
        var diag = gram.diagonal().narrow(0, 0, k);
        var lambda = ridge * Math.Max(diag.mean().item<double>(), 1e-12);
        var prior = cat([m.index_select(0, tensor(keptIn.Select(i => (long)i).ToArray())).to_type(ScalarType.Float64),
            zeros([1, n], ScalarType.Float64)], 0);
        var solved = linalg.solve(gram + lambda * eye(k + 1, dtype: ScalarType.Float64), cross + lambda * prior).to_type(ScalarType.Float32);
        return (solved.narrow(0, 0, k).contiguous().data<float>().ToArray(), solved.narrow(0, k, 1).contiguous().data<float>().ToArray());
    }
}
