using Condense.Formats.Onnx;
using Condense.Graph.Dependency;
using Onnx;

namespace Condense.Graph.Structure;

/// <summary>
/// Cuts the chosen channels out of a graph for real: every slice of every pruned group loses its
/// entries (producer rows, biases, BatchNormalization statistics, consumer columns, reshape
/// counts), so initializers and shapes shrink and the runtime does less work. With
/// <c>refit</c>, each consumer is first refitted by least squares on its calibration inputs
/// (<see cref="LeastSquaresRefit"/>), the removed channels' mean contribution moving into its bias.
/// </summary>
public static class StructuredPruner
{
    /// <summary>A pruned copy of <paramref name="model"/> (not modified) and the layers changed.</summary>
    public static (ModelProto Model, IReadOnlyList<string> Refitted) Apply(ModelProto model, IReadOnlyList<ChannelGroup> prunable,
        IReadOnlyDictionary<int, int[]> removed, InputGrams? grams, double ridge)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prunable);
        ArgumentNullException.ThrowIfNull(removed);
        var proto = model.Clone();
        var graph = proto.Graph;
        var (cuts, shapeCuts) = Cuts(prunable, removed);
        var refitted = new List<string>();
        if (grams is not null) Refit(graph, prunable, removed, cuts, grams, ridge, refitted);
        foreach (var ((tensor, axis), set) in cuts) Cut(graph, tensor, axis, set);
        foreach (var ((tensor, index), amount) in shapeCuts) ShrinkShape(graph, tensor, index, amount);
        graph.ValueInfo.Clear(); // stale channel counts would contradict the new weights
        return (proto, refitted);
    }

    /// <summary>
    /// The cut as <paramref name="model"/>'s consumers first see it, then each refitted in graph order
    /// on the pruned network's own inputs (<see cref="SequentialRefit"/>).
    /// </summary>
    public static (ModelProto Model, IReadOnlyList<string> Refitted) ApplySequential(OnnxModel model, IReadOnlyList<ChannelGroup> prunable,
        IReadOnlyDictionary<int, int[]> removed, IReadOnlyList<IReadOnlyList<TensorProto>> samples, double ridge, bool residual = false, bool between = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (pruned, _) = Apply(model.Proto, prunable, removed, null, 0);
        var (cuts, _) = Cuts(prunable, removed);
        var consumers = prunable.Where(g => removed.ContainsKey(g.Id))
            .SelectMany(g => g.Slices.Where(s => s.Role == SliceRole.ConsumerInput)).Select(s => s.Node).Distinct().ToList();
        return (pruned, SequentialRefit.Apply(model, pruned, consumers, cuts, samples, ridge, residual, between));
    }

    /// <summary>
    /// The entries removed per (initializer, axis), and the reshape-target entries shrunk per
    /// (initializer, index) with the amount, for <paramref name="removed"/> channels of each group.
    /// </summary>
    public static (Dictionary<(string Tensor, int Axis), HashSet<long>> Cuts, Dictionary<(string Tensor, long Index), long> ShapeCuts) Cuts(
        IReadOnlyList<ChannelGroup> prunable, IReadOnlyDictionary<int, int[]> removed)
    {
        ArgumentNullException.ThrowIfNull(prunable);
        ArgumentNullException.ThrowIfNull(removed);
        var cuts = new Dictionary<(string Tensor, int Axis), HashSet<long>>();
        var shapeCuts = new Dictionary<(string Tensor, long Index), long>();
        foreach (var g in prunable)
        {
            if (!removed.TryGetValue(g.Id, out var channels) || channels.Length == 0) continue;
            if (channels.Length >= g.Width) throw new CondenseException($"group '{g.Name}': removing all {g.Width} channels is refused");
            foreach (var s in g.Slices)
            {
                if (s.Role == SliceRole.ShapeConstant)
                {
                    shapeCuts[(s.Tensor, s.Offset)] = shapeCuts.GetValueOrDefault((s.Tensor, s.Offset)) + channels.Length * s.Block;
                    continue;
                }
                if (!cuts.TryGetValue((s.Tensor, s.Axis), out var set)) cuts[(s.Tensor, s.Axis)] = set = [];
                foreach (var c in channels)
                    for (long j = 0; j < s.Block; j++) set.Add(s.Offset + c * s.Block + j);
            }
        }
        return (cuts, shapeCuts);
    }

    static void Refit(GraphProto graph, IReadOnlyList<ChannelGroup> prunable, IReadOnlyDictionary<int, int[]> removed,
        Dictionary<(string, int), HashSet<long>> cuts, InputGrams grams, double ridge, List<string> refitted)
    {
        var consumers = prunable.Where(g => removed.ContainsKey(g.Id))
            .SelectMany(g => g.Slices.Where(s => s.Role == SliceRole.ConsumerInput)).Select(s => s.Node).Distinct().ToList();
        var nodes = graph.Node.ToDictionary(DependencyAnalysis.NodeName, StringComparer.Ordinal);
        foreach (var name in consumers)
        {
            var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
            var layer = MatrixLayer.Of(nodes[name], initializers);
            if (layer is null || !grams.Has(name) || !cuts.TryGetValue((layer.Weight.Name, layer.InputAxis), out var inputs)) continue;
            var removedFeatures = inputs.SelectMany(c => Enumerable.Range(0, layer.KernelArea).Select(t => c * layer.KernelArea + t)).ToHashSet();
            var kept = Enumerable.Range(0, layer.K).Where(f => !removedFeatures.Contains(f)).ToArray();
            var (weights, delta) = LeastSquaresRefit.Solve(grams.For(name), layer.Matrix(), layer.K, layer.N, kept, ridge);
            Replace(graph, layer.FromMatrix(weights, kept.Length, layer.N));
            cuts.Remove((layer.Weight.Name, layer.InputAxis));
            AddToBias(graph, layer, delta);
            refitted.Add(name);
        }
    }

    static void Cut(GraphProto graph, string tensor, int axis, HashSet<long> set)
    {
        var t = graph.Initializer.First(x => x.Name == tensor);
        var (values, dims) = TensorAxis.Remove(OnnxTensorData.ToFloat32(t), [.. t.Dims], axis, set);
        Replace(graph, OnnxTensorData.FromFloat32(tensor, values, dims));
    }

    static void ShrinkShape(GraphProto graph, string tensor, long index, long amount)
    {
        var t = graph.Initializer.First(x => x.Name == tensor);
        var values = ReshapeRule.Values(t);
        values[index] -= amount;
        Replace(graph, OnnxTensorData.Int64(tensor, values, [.. t.Dims]));
    }

    internal static void Replace(GraphProto graph, TensorProto t)
    {
        for (int i = 0; i < graph.Initializer.Count; i++)
            if (graph.Initializer[i].Name == t.Name) { graph.Initializer[i] = t; return; }
        throw new CondenseException($"no initializer named '{t.Name}'");
    }

    /// <summary>Adds δ to the layer's bias: Conv/Gemm's own input, a MatMul's following Add, or a new one.</summary>
    internal static void AddToBias(GraphProto graph, MatrixLayer layer, float[] delta)
    {
        if (delta.All(d => d == 0)) return;
        var node = layer.Node;
        string? biasName = null;
        if (layer.Kind != MatrixLayerKind.MatMul && node.Input.Count > 2 && node.Input[2].Length > 0) biasName = node.Input[2];
        if (layer.Kind == MatrixLayerKind.MatMul)
        {
            var readers = graph.Node.Where(n => n.Input.Contains(node.Output[0])).ToList();
            if (readers.Count == 1 && readers[0].OpType == "Add")
            {
                var other = readers[0].Input.First(i => i != node.Output[0]);
                if (graph.Initializer.FirstOrDefault(t => t.Name == other) is { } b && b.Dims.Aggregate(1L, (x, y) => x * y) == layer.N
                    && graph.Node.Count(n => n.Input.Contains(other)) == 1)
                    biasName = other;
            }
        }
        if (biasName is not null && graph.Initializer.FirstOrDefault(t => t.Name == biasName) is { } bias
            && bias.Dims.Aggregate(1L, (x, y) => x * y) == layer.N && graph.Node.Count(n => n.Input.Contains(biasName)) == 1)
        {
            var values = OnnxTensorData.ToFloat32(bias);
            for (int i = 0; i < values.Length; i++) values[i] += delta[i];
            Replace(graph, OnnxTensorData.FromFloat32(biasName, values, [.. bias.Dims]));
            return;
        }
        var name = Unique(graph, $"{node.Name}.refit_bias");
        if (layer.Kind == MatrixLayerKind.Conv)
        {
            if (node.Input.Count > 2 && node.Input[2].Length > 0) AddAfter(graph, node, name, [1, layer.N, 1, 1], delta);
            else
            {
                graph.Initializer.Add(OnnxTensorData.FromFloat32(name, delta, [layer.N]));
                if (node.Input.Count > 2) node.Input[2] = name; else node.Input.Add(name);
            }
            return;
        }
        AddAfter(graph, node, name, [layer.N], delta);
    }

    static void AddAfter(GraphProto graph, NodeProto node, string name, long[] dims, float[] delta)
    {
        graph.Initializer.Add(OnnxTensorData.FromFloat32(name, delta, dims));
        var inner = Unique(graph, node.Output[0] + ".unbiased");
        var add = new NodeProto { OpType = "Add", Name = name + ".add" };
        add.Input.Add(inner);
        add.Input.Add(name);
        add.Output.Add(node.Output[0]);
        node.Output[0] = inner;
        graph.Node.Insert(graph.Node.IndexOf(node) + 1, add);
    }

    static string Unique(GraphProto graph, string stem)
    {
        var taken = graph.Initializer.Select(t => t.Name).Concat(graph.Node.SelectMany(n => n.Output)).ToHashSet(StringComparer.Ordinal);
        var name = stem;
        for (int i = 1; taken.Contains(name); i++) name = $"{stem}{i}";
        return name;
    }
}
